#!/usr/bin/env python3
"""rentald against a real peer, compendium-ils, on the same work (issue 8, "a real peer").

Started by benchmarks/peer/run.sh, which makes the virtual environment and the work directory and
cleans up after it. Standard library only. Both services are driven by the same client code: one
keep-alive HTTP/1.1 connection per client, JSON bodies, requests one after another (sequential) or from
several threads at once (concurrent); rentald over its Unix socket, compendium-ils over loopback TCP.

Figures (each printed as `peer: <figure>: rentald X, compendium-ils Y, ratio Z× (target ≥ 20×)`):
  - checkouts through the API, one client and several concurrent clients (checkouts/s);
  - finding the overdue loans among all open loans (rentald: GET /v1/loans?overdue=true, every page;
    compendium-ils: GET /reports/overdues, its overdue report, one response with every row);
  - notifying them (rentald: POST /v1/notices/scan; compendium-ils: `compendium maintenance
    queue-overdue-notices`, its notice feature, which renders each e-mail into its outbox table);
  - finding and notifying together.
Timings never decide the exit status: the script fails only when it cannot run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

TARGET = 20.0
# How many rounds of the overdue find are timed, each round rentald's find and then the peer's, both servers
# up; the figures are the medians and the ratio the median of the rounds' ratios. This machine's speed swings
# by up to half from one second to the next (a plain C loop took 124–303 ms for the same work): timed in
# separate minutes, one side could land in a slow spell and the other in a quick one (rentald's find came out
# at 25, 27 and 46 ms in three runs of one evening, the peer's at 471–666 ms).
FIND_ROUNDS = 9


class Unrunnable(Exception):
    """The benchmark cannot run (a service does not start, seeding fails, an answer is wrong)."""


# --------------------------------------------------------------------------------------------- HTTP


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP/1.1 over a Unix stream socket (rentald's transport)."""

    def __init__(self, path: str, timeout: float = 300) -> None:
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.unix_path)
        self.sock = sock


class Client:
    """One keep-alive connection; sends JSON, returns (status, decoded body)."""

    def __init__(self, connect: Callable[[], http.client.HTTPConnection], headers: dict[str, str] | None = None):
        self.connect = connect
        self.headers = {"Accept": "application/json", **(headers or {})}
        self.conn = connect()

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        status, raw = self.raw_request(method, path, body)
        try:
            decoded = json.loads(raw) if raw else None
        except ValueError:
            decoded = raw.decode(errors="replace")
        return status, decoded

    def raw_request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        """The status and the body's bytes, not decoded."""
        data = None if body is None else json.dumps(body).encode()
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # An idle keep-alive connection closed by the server: reconnect once.
                self.conn.close()
                self.conn = self.connect()
                if attempt == 2:
                    raise
        return response.status, raw

    def close(self) -> None:
        self.conn.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Run:
    """What one timed batch of requests took."""

    def __init__(self, jobs: int, elapsed: float, failures: int, first_failure: str, client_cpu: float,
                 server_cpu: float) -> None:
        self.jobs = jobs
        self.elapsed = elapsed
        self.failures = failures
        self.first_failure = first_failure
        self.client_cpu = client_cpu
        self.server_cpu = server_cpu

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return (self.jobs - self.failures) / self.elapsed

    def per_request(self, seconds: float) -> str:
        return f"{seconds / self.jobs * 1000:.2f} ms"


def run_jobs(make_client: Callable[[], Client], jobs: list[tuple[str, str, Any]], clients: int, ok: int,
             server_pid: int | None = None) -> Run:
    """Sends every job, split over `clients` threads each with its own connection, and measures the wall
    time from the first request to the last answer, and the CPU time of this client and of the server."""
    shares = [jobs[i::clients] for i in range(clients)]
    conns = [make_client() for _ in range(clients)]
    failures = [0] * clients
    first_failure: list[str] = []
    start = threading.Barrier(clients + 1)

    def work(index: int) -> None:
        start.wait()
        for method, path, body in shares[index]:
            status, answer = conns[index].request(method, path, body)
            if status != ok:
                failures[index] += 1
                if not first_failure:
                    first_failure.append(f"{status} {str(answer)[:200]}")

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    server_before = cpu_seconds(server_pid) if server_pid else 0.0
    client_before = os.times()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    client_after = os.times()
    server_after = cpu_seconds(server_pid) if server_pid else 0.0
    for conn in conns:
        conn.close()
    client_cpu = (client_after.user - client_before.user) + (client_after.system - client_before.system)
    return Run(len(jobs), elapsed, sum(failures), first_failure[0] if first_failure else "", client_cpu,
               server_after - server_before)


def seed_jobs(make_client: Callable[[], Client], jobs: list[tuple[str, str, Any]], ok: int, what: str,
              clients: int = 4) -> None:
    """Untimed seeding: every job must succeed."""
    run = run_jobs(make_client, jobs, clients, ok)
    if run.failures:
        raise Unrunnable(f"seeding {what}: {run.failures} requests failed, first: {run.first_failure}")


# ---------------------------------------------------------------------------------------- processes


class Processes:
    """The services this run started, killed by id at the end; their ids are also written to a file so
    that run.sh's trap can end them if this driver dies first."""

    def __init__(self, pid_file: str) -> None:
        self.pid_file = pid_file
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, argv: list[str], log: str, env: dict[str, str] | None = None,
              cwd: str | None = None) -> subprocess.Popen[bytes]:
        with open(log, "ab") as out:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    env=env, cwd=cwd)
        self.running.append(proc)
        self.write_pids()
        return proc

    def write_pids(self) -> None:
        """Lists the services still running (a stopped one's id may be reused by another process)."""
        with open(self.pid_file + ".new", "w") as f:
            f.write("".join(f"{proc.pid}\n" for proc in self.running))
        os.replace(self.pid_file + ".new", self.pid_file)

    def run(self, argv: list[str], env: dict[str, str], cwd: str) -> tuple[int, str, str]:
        """Runs a command to its end (listed while it runs); returns its status, stdout and stderr."""
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, cwd=cwd)
        self.running.append(proc)
        self.write_pids()
        try:
            out, err = proc.communicate()
        finally:
            self.stop(proc)
        return proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")

    def stop(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc in self.running:
            self.running.remove(proc)
            self.write_pids()

    def stop_all(self) -> None:
        for proc in list(self.running):
            self.stop(proc)


def wait_until(check: Callable[[], bool], proc: subprocess.Popen[bytes], what: str, log: str,
               seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Unrunnable(f"{what} exited with status {proc.returncode}; see {log}:\n{tail(log)}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise Unrunnable(f"{what} did not start within {seconds:.0f} s; see {log}:\n{tail(log)}")


def tail(path: str, lines: int = 15) -> str:
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


# ------------------------------------------------------------------------------------------ rentald


class Rentald:
    """A release rentald on its own socket and fresh state directory, run as root (so the client is admin)."""

    def __init__(self, args: argparse.Namespace, procs: Processes, name: str) -> None:
        self.args = args
        self.procs = procs
        self.dir = os.path.join(args.workdir, name)
        os.makedirs(self.dir)
        self.socket = os.path.join(self.dir, "rentald.sock")
        self.log = os.path.join(self.dir, "rentald.log")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, extra_config: str = "", scheduled_scans: bool = True) -> None:
        """Starts the daemon on this directory's store with the defaults and `extra_config`."""
        config = os.path.join(self.dir, "rentald.conf")
        # The daemon scans for notices at start-up and at [notices] times (unless `enabled = no`, which
        # leaves only POST /v1/notices/scan): that time is put 12 hours away so that no scheduled scan
        # runs during the benchmark. Notices are paced to max_per_second for journald's sake; the pace is
        # raised to its maximum so that the figure measures the work, not a deliberate sleep (at the
        # default 2,000/s a scan of N notices sleeps about N/2000 s more).
        away = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=12)).strftime("%H:%M")
        enabled = "" if scheduled_scans else "enabled = no\n"
        with open(config, "w") as f:
            f.write(f"[notices]\n{enabled}times = {away}\nmax_per_second = 100000\n{extra_config}")
        self.proc = self.procs.start([self.args.rentald, "--config", config, "--socket", self.socket,
                                      "--state-dir", os.path.join(self.dir, "state")], self.log)
        wait_until(self.healthy, self.proc, "rentald", self.log)

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def client(self) -> Client:
        return Client(lambda: UnixHTTPConnection(self.socket))

    def healthy(self) -> bool:
        if not os.path.exists(self.socket):
            return False
        c = self.client()
        try:
            status, body = c.request("GET", "/v1/health")
            return status == 200 and body.get("role") == "admin"
        finally:
            c.close()

    def stop(self) -> None:
        if self.proc is not None:
            self.procs.stop(self.proc)
            self.proc = None

    def seed(self, units: int, families: int) -> None:
        c = self.client()
        week = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        for path, body in [
            ("/v1/centres", {"code": "bench", "name": "Bench centre", "timeZone": "UTC", "openDays": week}),
            ("/v1/catalogue", {"code": "kettle", "name": "Kettle", "category": "other"}),
        ]:
            status, answer = c.request("POST", path, body)
            if status != 201:
                raise Unrunnable(f"rentald: POST {path}: {status} {answer}")
        status, answer = c.request("PUT", "/v1/rules", {"period": {"count": 14, "unit": "days"}})
        if status != 200:
            raise Unrunnable(f"rentald: PUT /v1/rules: {status} {answer}")
        c.close()
        seed_jobs(self.client, [("POST", "/v1/units", {"inventoryNumber": f"U-{i:07d}", "itemType": "kettle",
                                                      "centre": "bench"}) for i in range(1, units + 1)],
                  201, "rentald units")
        seed_jobs(self.client, [("POST", "/v1/families", {
            "reference": f"F-{f:06d}", "contactSurname": "Bench", "phone": f"+7 900 {f:07d}",
            "lowIncomeUntil": "2099-12-31", "consentOn": "2020-01-01"}) for f in range(1, families + 1)],
                  201, "rentald families")


NORMAL = "[store]\nsynchronous = normal\n"


def checkout_job(unit: int, family: int, issued_at: str | None = None) -> tuple[str, str, Any]:
    body: dict[str, Any] = {"family": f"F-{family:06d}", "unit": f"U-{unit:07d}", "centre": "bench"}
    if issued_at:
        body["issuedAt"] = issued_at
    return ("POST", "/v1/loans", body)


# ------------------------------------------------------------------------------------- compendium-ils


class Compendium:
    """compendium-ils's REST server (uvicorn, as `compendium serve` starts it) on loopback, with a fresh
    SQLite database initialised by `compendium db init` and an Administrator account (made once, then
    copied for each run)."""

    template: str | None = None
    password = secrets.token_urlsafe(16)

    def __init__(self, args: argparse.Namespace, procs: Processes, name: str) -> None:
        self.args = args
        self.procs = procs
        self.dir = os.path.join(args.workdir, name)
        os.makedirs(self.dir)
        self.log = os.path.join(self.dir, "compendium.log")
        self.db = os.path.join(self.dir, "compendium.db")
        self.env = dict(os.environ)
        self.env.update({
            "COMPENDIUM_DATABASE_URL": f"sqlite:///{self.db}",
            "COMPENDIUM_JWT_SECRET_KEY": secrets.token_urlsafe(48),
            "COMPENDIUM_SECURE_COOKIES": "false",
            "NO_COLOR": "1",
        })
        if Compendium.template is None:
            template = os.path.join(args.workdir, "compendium-template.db")
            self.env["COMPENDIUM_DATABASE_URL"] = f"sqlite:///{template}"
            self.cli("db", "init")
            self.cli("user", "add", "--username", "bench", "--password", self.password, "--role", "Administrator")
            self.env["COMPENDIUM_DATABASE_URL"] = f"sqlite:///{self.db}"
            Compendium.template = template
        source, copy = sqlite3.connect(Compendium.template), sqlite3.connect(self.db)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        self.proc: subprocess.Popen[bytes] | None = None
        self.token = ""

    def cli(self, *argv: str) -> tuple[float, str]:
        """Runs the `compendium` command; returns its whole-process time and its output."""
        began = time.perf_counter()
        status, out, err = self.procs.run([self.args.compendium, *argv], self.env, self.dir)
        elapsed = time.perf_counter() - began
        if status != 0:
            raise Unrunnable(f"compendium {' '.join(argv[:2])}: exit {status}: {err[-1500:]}")
        return elapsed, out + err

    def seed(self, items: int, patrons: int, loans: bool = False, overdue: int = 0) -> None:
        argv = [self.args.peer_python, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peer_seed.py"),
                "--items", str(items), "--patrons", str(patrons)]
        if loans:
            argv += ["--loans", "--overdue", str(overdue)]
        status, _, err = self.procs.run(argv, self.env, self.dir)
        if status != 0:
            raise Unrunnable(f"seeding compendium-ils: {err[-1500:]}")

    def start(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = self.procs.start([self.args.compendium, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                     self.log, env=self.env, cwd=self.dir)

        def logged_in() -> bool:
            c = Client(lambda: http.client.HTTPConnection("127.0.0.1", self.port, timeout=5))
            try:
                status, body = c.request("POST", "/auth/login", {"username": "bench", "password": self.password})
            finally:
                c.close()
            if status == 200:
                self.token = body["access_token"]
            return status == 200

        wait_until(logged_in, self.proc, "compendium serve", self.log)

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def client(self) -> Client:
        return Client(lambda: http.client.HTTPConnection("127.0.0.1", self.port, timeout=300),
                      {"Authorization": f"Bearer {self.token}"})

    def stop(self) -> None:
        if self.proc is not None:
            self.procs.stop(self.proc)
            self.proc = None


# -------------------------------------------------------------------------------------------- report


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, float]] = []
        self.notes: list[str] = []

    def rate(self, figure: str, ours: float, peer: float, unit: str) -> None:
        """Throughputs (more is better)."""
        ratio = ours / peer if peer > 0 else float("inf")
        self.add(figure, f"{ours:,.0f} {unit}", f"{peer:,.1f} {unit}", ratio)

    def time(self, figure: str, ours: float, peer: float) -> None:
        """Durations in seconds (less is better)."""
        ratio = peer / ours if ours > 0 else float("inf")
        self.add(figure, fmt_seconds(ours), fmt_seconds(peer), ratio)

    def add(self, figure: str, ours: str, peer: str, ratio: float) -> None:
        self.rows.append((figure, ours, peer, ratio))
        print(f"peer: {figure}: rentald {ours}, compendium-ils {peer}, ratio {ratio:,.1f}× "
              f"(target ≥ {TARGET:.0f}×)",
              flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"peer: note: {text}", flush=True)

    def markdown(self, path: str, header: str) -> None:
        with open(path, "a") as f:
            f.write(f"\n### rentald vs compendium-ils\n\n{header}\n\n")
            f.write(f"| figure | rentald | compendium-ils | ratio | target ≥ {TARGET:.0f}× |\n"
                    "|---|---:|---:|---:|---|\n")
            for figure, ours, peer, ratio in self.rows:
                met = "met" if ratio >= TARGET else "not met"
                f.write(f"| {figure} | {ours} | {peer} | {ratio:,.1f}× | {met} |\n")
            if self.notes:
                f.write("\n" + "".join(f"- {n}\n" for n in self.notes))


def fmt_seconds(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def interleaved(ours: Callable[[], Any], peers: Callable[[], Any]) -> tuple[tuple[float, Any], tuple[float, Any], float]:
    """`ours` then `peers`, FIND_ROUNDS rounds: for each, the median of its wall times and what that run returned;
    and the median of the rounds' ratios (the peer's time over ours)."""
    def timed(body: Callable[[], Any]) -> tuple[float, Any]:
        began = time.perf_counter()
        result = body()
        return time.perf_counter() - began, result

    mine, theirs = [], []
    for _ in range(FIND_ROUNDS):
        mine.append(timed(ours))
        theirs.append(timed(peers))
    ratios = sorted(peer[0] / our[0] for our, peer in zip(mine, theirs))

    def median(runs: list[tuple[float, Any]]) -> tuple[float, Any]:
        return sorted(runs, key=lambda run: run[0])[len(runs) // 2]

    return median(mine), median(theirs), ratios[len(ratios) // 2]


def parse_timed(raw: bytes) -> tuple[Any, float]:
    """The JSON of a body, and the seconds json.loads took: the client's own share of a find."""
    began = time.perf_counter()
    decoded = json.loads(raw)
    return decoded, time.perf_counter() - began


STARTED = time.monotonic()


def progress(text: str) -> None:
    print(f"peer: [{time.monotonic() - STARTED:5.1f} s] {text}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------- phases


def checkouts(args: argparse.Namespace, procs: Processes, report: Report) -> None:
    n, clients = args.checkouts, args.clients
    families = max(1, n // 10)  # ten loans per family / patron

    def jobs(first: int) -> list[tuple[str, str, Any]]:
        return [checkout_job(u, (u - 1) % families + 1) for u in range(first, first + n)]

    # Units 1…n for the one-client run, n+1…2n for the concurrent run, 2n+1…3n for the run at the peer's
    # durability. Seeding goes through the API too, with synchronous=normal to be quick; the daemon is
    # then restarted with the defaults for the timed runs (no loan is due soon, so its start-up notice
    # scan finds nothing).
    progress(f"rentald: seeding {3 * n:,} units and {families:,} families")
    rd = Rentald(args, procs, "rentald-checkouts")
    rd.start(NORMAL)
    rd.seed(3 * n, families)
    progress(f"rentald: timing {n:,} checkouts, 1 client, [store] synchronous = normal")
    r_normal = run_jobs(rd.client, jobs(2 * n + 1), 1, 201, rd.pid)
    rd.stop()
    rd.start()
    progress(f"rentald: timing {n:,} checkouts, 1 client, then {clients} clients (defaults: synchronous = full)")
    r_seq = run_jobs(rd.client, jobs(1), 1, 201, rd.pid)
    r_con = run_jobs(rd.client, jobs(n + 1), clients, 201, rd.pid)
    rd.stop()
    for run in (r_seq, r_con, r_normal):
        if run.failures:
            raise Unrunnable(f"rentald refused {run.failures} checkouts, first: {run.first_failure}")

    progress(f"compendium-ils: seeding {2 * n:,} items and {families:,} patrons")
    cp = Compendium(args, procs, "compendium-checkouts")
    cp.seed(2 * n, families)
    cp.start()

    def peer(jobs: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
        return [("POST", "/loans/checkout", {"barcode": "B-" + b["unit"][2:], "card_number": "C-" + b["family"][2:]})
                for _, _, b in jobs]

    progress(f"compendium-ils: timing {n:,} checkouts, 1 client, then {clients} clients")
    p_seq = run_jobs(cp.client, peer(jobs(1)), 1, 201, cp.pid)
    p_con = run_jobs(cp.client, peer(jobs(n + 1)), clients, 201, cp.pid)
    cp.stop()
    if p_seq.failures:
        raise Unrunnable(f"compendium-ils refused {p_seq.failures} sequential checkouts, first: {p_seq.first_failure}")

    report.rate(f"{n:,} checkouts through the API, 1 client", r_seq.rate, p_seq.rate, "checkouts/s")
    report.rate(f"{n:,} checkouts through the API, {clients} concurrent clients", r_con.rate, p_con.rate,
                "checkouts/s")
    report.rate(f"{n:,} checkouts, 1 client, rentald at the peer's durability (synchronous=normal)", r_normal.rate,
                p_seq.rate, "checkouts/s")
    if p_con.failures:
        report.note(f"compendium-ils failed {p_con.failures:,} of {n:,} concurrent checkouts (first: "
                    f"{p_con.first_failure}); its rate counts only those that succeeded")
    report.note(f"CPU per checkout, 1 client: rentald's server {r_seq.per_request(r_seq.server_cpu)} "
                f"(synchronous=full), {r_normal.per_request(r_normal.server_cpu)} (normal); compendium-ils's server "
                f"{p_seq.per_request(p_seq.server_cpu)}; this Python client {r_seq.per_request(r_seq.client_cpu)} "
                f"(rentald, Unix socket), {p_seq.per_request(p_seq.client_cpu)} (compendium-ils, TCP); wall time "
                f"per checkout: rentald {r_seq.per_request(r_seq.elapsed)}, compendium-ils "
                f"{p_seq.per_request(p_seq.elapsed)}")


def serves_without_scheduled_scans(args: argparse.Namespace, procs: Processes) -> bool:
    """Whether this rentald keeps serving with `[notices] enabled = no` (builds before that fix stopped
    right after starting)."""
    probe = Rentald(args, procs, "rentald-probe")
    try:
        probe.start(scheduled_scans=False)
        time.sleep(1)
        return probe.proc is not None and probe.proc.poll() is None and probe.healthy()
    except Unrunnable:
        return False
    finally:
        probe.stop()


def overdue(args: argparse.Namespace, procs: Processes, report: Report) -> None:
    m = args.loans
    late = round(m * args.overdue_share)
    families = max(1, m // 10)
    issued_late = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=24)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    step = m / late if late else 0
    late_index = {int(k * step) for k in range(late)}

    progress(f"rentald: seeding {m:,} units, {families:,} families and {m:,} loans ({late:,} backdated to be overdue)")
    # The overdue loans are backdated checkouts (issuedAt 24 days ago, 14-day rule: due 10 days ago).
    # The seeding goes through the API with synchronous=normal, to be quick, and without the default
    # refusal of a checkout to a family with an overdue loan, so that the seeding order does not matter.
    # The daemon is then restarted with the defaults for the timed part, with `[notices] enabled = no`
    # so that its start-up scan does not send the notices first. A rentald that stops at once with
    # `enabled = no` (builds before the fix) is timed in the seeding daemon's lifetime instead.
    restart = serves_without_scheduled_scans(args, procs)
    rd = Rentald(args, procs, "rentald-overdue")
    rd.start(NORMAL + "[policy]\nrefuse_checkout_when_overdue = no\n", scheduled_scans=not restart)
    rd.seed(m, families)
    seed_jobs(rd.client, [checkout_job(u, (u - 1) % families + 1, issued_late if (u - 1) in late_index else None)
                          for u in range(1, m + 1)], 201, "rentald loans")
    if restart:
        rd.stop()
        rd.start(scheduled_scans=False)

    def r_list() -> tuple[int, int, float]:
        found, after, pages, parsing = 0, None, 0, 0.0
        while True:
            path = "/v1/loans?overdue=true&limit=1000" + (f"&after={after}" if after else "")
            status, raw = c.raw_request("GET", path)
            if status != 200:
                raise Unrunnable(f"rentald: GET {path}: {status} {raw[:300]!r}")
            page, seconds = parse_timed(raw)
            parsing += seconds
            found += len(page["items"])
            pages += 1
            after = page.get("next")
            if not after:
                return found, pages, parsing

    # rentald stays up while the peer is seeded, so that both finds can be timed in the same rounds.
    progress(f"compendium-ils: seeding {m:,} items, {families:,} patrons and {m:,} loans ({late:,} overdue)")
    cp = Compendium(args, procs, "compendium-overdue")
    cp.seed(m, families, loans=True, overdue=late)
    cp.start()
    pc = cp.client()

    def p_report() -> float:
        status, raw = pc.raw_request("GET", "/reports/overdues")
        if status != 200:
            raise Unrunnable(f"compendium-ils: GET /reports/overdues: {status} {raw[:300]!r}")
        rows, seconds = parse_timed(raw)
        if len(rows) != late:
            raise Unrunnable(f"compendium-ils: GET /reports/overdues: {len(rows)} rows, {late} expected")
        return seconds

    c = rd.client()
    progress(f"both: timing the overdue find in {FIND_ROUNDS} rounds, each rentald's listing (every page) then "
             f"compendium-ils's overdue report")
    (r_find, (found, pages, r_parsing)), (p_find, p_parsing), find_ratio = interleaved(r_list, p_report)

    progress("rentald: timing the notice scan")
    began = time.perf_counter()
    status, summary = c.request("POST", "/v1/notices/scan")
    r_notify = time.perf_counter() - began
    c.close()
    rd.stop()
    if status != 200:
        raise Unrunnable(f"rentald: POST /v1/notices/scan: {status} {summary}")
    r_sent = sum(n for stages in summary.get("sent", {}).values() for n in stages.values())
    if found != late or r_sent != late:
        raise Unrunnable(f"rentald found {found} overdue and sent {r_sent} notices; {late} expected ({summary})")

    progress("compendium-ils: timing the paged loan list")
    began = time.perf_counter()
    listed, offset = 0, 0
    while True:
        status, page = pc.request("GET", f"/loans?due=overdue&limit=500&offset={offset}")
        if status != 200:
            raise Unrunnable(f"compendium-ils: GET /loans?due=overdue: {status} {page}")
        listed += len(page)
        offset += 500
        if len(page) < 500:
            break
    p_list = time.perf_counter() - began
    pc.close()
    cp.stop()
    if listed != late:
        raise Unrunnable(f"compendium-ils listed {listed} overdue loans; {late} expected")

    progress("compendium-ils: timing `compendium maintenance queue-overdue-notices`")
    startup, _ = cp.cli("--version")
    p_notify, out = cp.cli("maintenance", "queue-overdue-notices")
    if f"queued: {late}" not in out:
        raise Unrunnable(f"compendium-ils queued other than {late} notices: {out.strip()}")

    report.add(f"find the {late:,} overdue among {m:,} open loans", fmt_seconds(r_find), fmt_seconds(p_find), find_ratio)
    report.time(f"notify the {late:,} overdue loans", r_notify, p_notify)
    report.time("find and notify", r_find + r_notify, p_find + p_notify)
    report.note(f"rentald listed the overdue loans in {pages} page{'s' if pages > 1 else ''} of ≤ 1,000 "
                f"(GET /v1/loans?overdue=true); compendium-ils's overdue report (GET /reports/overdues) answers "
                f"with every row at once; its paged list (GET /loans?due=overdue, 500 a page by offset) took "
                f"{fmt_seconds(p_list)}; the finds were timed in {FIND_ROUNDS} rounds, each rentald's then compendium-ils's with both "
                f"servers up: the medians, and the ratio the median of the rounds' ratios; of the medians, this "
                f"Python client's own json.loads took {fmt_seconds(r_parsing)} (rentald's pages) and "
                f"{fmt_seconds(p_parsing)} (compendium-ils's report)")
    if restart:
        report.note("rentald's overdue figures were timed with its defaults (synchronous=full) after a restart; "
                    "the loans were seeded through its API with synchronous=normal")
    else:
        report.note("this rentald stops at once with [notices] enabled = no, so its overdue figures were timed "
                    "in the seeding daemon's lifetime, with synchronous=normal (the peer's setting; the listing only "
                    "reads, the scan commits once per 200 notices, and a separate check of a 2,000-notice scan at "
                    "synchronous=full took the same time within the noise)")
    report.note(f"notify: rentald's scan (POST /v1/notices/scan) decides each loan's stage, writes each notice "
                f"(here to stderr: no journal on this machine) and records it in the store; compendium-ils has no API "
                f"for it: its cron command renders each e-mail into its outbox table (sending is a separate SMTP "
                f"drain, not timed); the command's time includes starting Python "
                f"(`compendium --version` alone: {fmt_seconds(startup)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--rentald", required=True)
    parser.add_argument("--compendium", required=True, help="the venv's compendium command")
    parser.add_argument("--peer-python", required=True, help="the venv's python")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--checkouts", type=int)
    parser.add_argument("--loans", type=int)
    parser.add_argument("--overdue-share", type=float, default=0.05)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--markdown")
    parser.add_argument("--header", default="")
    args = parser.parse_args()
    args.checkouts = args.checkouts or (1_000 if args.quick else 10_000)
    args.loans = args.loans or (10_000 if args.quick else 100_000)

    # run.sh stops the driver with SIGTERM: leave through `finally`, which stops the services.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    procs = Processes(os.path.join(args.workdir, "pids"))
    report = Report()
    load_before = os.getloadavg()[0]
    try:
        checkouts(args, procs, report)
        overdue(args, procs, report)
    except Unrunnable as error:
        print(f"peer: cannot run: {error}", file=sys.stderr)
        return 1
    finally:
        procs.stop_all()
    report.note(f"load average (1 min) {load_before:.1f} before and {os.getloadavg()[0]:.1f} after, on "
                f"{os.cpu_count()} CPUs (other work on the machine slows both sides, not always alike)")
    report.note("both on SQLite in WAL mode as each ships: rentald commits with synchronous=FULL (an fsync per "
                "checkout), compendium-ils with synchronous=NORMAL (no fsync per commit; may lose recent commits on "
                "power loss)")
    if args.markdown:
        report.markdown(args.markdown, args.header)
    return 0


if __name__ == "__main__":
    sys.exit(main())
