#!/usr/bin/env bash
# What `rentalctl -H` costs: a one-shot command over ssh against the same command on the local socket, and a
# three-request command with and without reuse of its ssh session (and with ssh's own connection sharing).
#
# Usage (as root, after `swift build -c release` or `swift build`): bash benchmarks/remote.sh [--quick] [--runs N]
# Environment: RENTALD (the rentald binary; default: the release build if present, else the debug build);
# RENTALCTL (default: rentalctl beside rentald).
#
# Like Tests/system/ssh-test.sh it runs in a private mount namespace with a tmpfs over /run, and starts its own
# sshd on 127.0.0.1 on a spare port (own host key, config and authorized_keys; root logs in with a key made for
# the run, so the daemon sees root) and a rentald with demo data. Nothing of the machine's sshd is touched.
# Prints each figure (median and mean of N runs, wall time of the whole rentalctl process) and the ratios.
set -euo pipefail

SCRIPT=$(realpath "${BASH_SOURCE[0]}")
RUNS=30

die() {
    echo "FAIL remote benchmark: $*"
    exit 1
}

outside() {
    [[ $(id -u) == 0 ]] || die "must run as root (its own sshd and a tmpfs over /run in a private mount namespace)"
    for tool in unshare mount ssh ssh-keygen python3 /usr/sbin/sshd; do
        command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs openssh-server)"
    done
    local rentald=${RENTALD:-}
    if [[ -z $rentald ]]; then
        cd "$(dirname "$SCRIPT")/.."
        rentald=$(swift build -c release --show-bin-path)/rentald
        [[ -x $rentald ]] || rentald=$(swift build --show-bin-path)/rentald
    fi
    local rentalctl=${RENTALCTL:-$(dirname "$rentald")/rentalctl}
    [[ -x $rentald && -x $rentalctl ]] || die "$rentald or $rentalctl not found: build first, or set RENTALD and RENTALCTL"
    exec unshare --mount --propagation private -- bash "$SCRIPT" --inside "$(realpath "$rentald")" "$RUNS" "$(realpath "$rentalctl")"
}

inside() {
    local rentald=$1 runs=$2 rentalctl=$3 work=/run/remote-bench
    mount -t tmpfs -o mode=0755 tmpfs /run
    mkdir -m 0755 /run/sshd "$work" /run/rentald
    # The system socket's path (in this namespace's /run): both sides use their default, as staff would.
    local socket=/run/rentald/rentald.sock port
    "$rentald" --demo --state-dir "$work/state" --socket "$socket" >"$work/rentald.log" 2>&1 &
    local daemon=$!
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$work/id_root"
    cp "$work/id_root.pub" "$work/authorized_keys"
    cat >"$work/sshd_config" <<EOF
ListenAddress 127.0.0.1
HostKey $work/host_key
PidFile none
AuthorizedKeysFile $work/authorized_keys
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
PrintMotd no
EOF
    /usr/sbin/sshd -D -e -f "$work/sshd_config" -p "$port" 2>"$work/sshd.log" &
    local sshd=$!
    trap 'kill '"$sshd $daemon"' 2>/dev/null || true; wait 2>/dev/null || true' EXIT
    echo "[localhost]:$port $(cut -d' ' -f1,2 "$work/host_key.pub")" >"$work/known_hosts"
    cat >"$work/ssh_config" <<EOF
Host *
  AddressFamily inet
  UserKnownHostsFile $work/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  IdentityFile $work/id_root
  IdentitiesOnly yes
EOF
    sed 's/^  IdentitiesOnly yes$/&\n  ControlMaster auto\n  ControlPath '"${work//\//\\/}"'\/mux-%C\n  ControlPersist 60/' \
        "$work/ssh_config" >"$work/ssh_config.mux"
    for _ in $(seq 100); do
        [[ -S $socket ]] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
    [[ -S $socket ]] || die "rentald did not start"
    unset SSH_AUTH_SOCK RENTALD_HOST RENTALD_SSH_REUSE
    export RENTALD_REMOTE_RENTALCTL=$rentalctl LANG=C.UTF-8

    echo "rentald: $rentald"
    echo "rentalctl (both sides): $rentalctl"
    python3 - "$runs" "$rentalctl" "$socket" "root@localhost:$port" "$work" <<'PY'
import os, statistics, subprocess, sys, time

runs, ctl, socket, host, work = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
base = dict(os.environ, RENTALD_SSH_OPTIONS=f"-F {work}/ssh_config")
local = dict(base)  # the default socket
mux = dict(base, RENTALD_SSH_OPTIONS=f"-F {work}/ssh_config.mux")
noreuse = dict(base, RENTALD_SSH_REUSE="no")

def measure(argv, env):
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)  # warm-up, and fails loudly
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), statistics.mean(times)

figures = [
    ("baseline: ssh alone, running true on the server", ["ssh", "-F", f"{work}/ssh_config", "-p", host.rsplit(":", 1)[1],
                                                          host.rsplit(":", 1)[0], "true"], base),
    ("baseline: ssh alone, running rentalctl --version on the server", ["ssh", "-F", f"{work}/ssh_config", "-p", host.rsplit(":", 1)[1],
                                                          host.rsplit(":", 1)[0], os.environ["RENTALD_REMOTE_RENTALCTL"], "--version"], base),
    ("stock, local socket", [ctl, "stock"], local),
    ("stock, -H over ssh (one-shot)", [ctl, "-H", host, "stock"], base),
    ("stock, -H over ssh with ControlMaster (session already up)", [ctl, "-H", host, "stock"], mux),
    ("3 requests (ping -c 3), local socket", [ctl, "ping", "-c", "3"], local),
    ("3 requests (ping -c 3), -H, one ssh session (reuse)", [ctl, "-H", host, "ping", "-c", "3"], base),
    ("3 requests (ping -c 3), -H, RENTALD_SSH_REUSE=no (3 ssh sessions)", [ctl, "-H", host, "ping", "-c", "3"], noreuse),
]
results = {}
print(f"{runs} runs each, wall time of the whole rentalctl process (median / mean)")
for name, argv, env in figures:
    median, mean = measure(argv, env)
    results[name] = median
    print(f"  {name:<68} {median:8.1f} ms / {mean:8.1f} ms")
def ratio(a, b, label):
    print(f"  {label:<68} {results[a] / results[b]:8.2f}x")
print("ratios (medians)")
ratio("stock, -H over ssh (one-shot)", "stock, local socket", "one-shot -H stock / local stock")
ratio("stock, -H over ssh (one-shot)", "baseline: ssh alone, running rentalctl --version on the server",
      "one-shot -H stock / ssh running rentalctl --version")
ratio("stock, -H over ssh with ControlMaster (session already up)", "stock, local socket", "-H stock with ControlMaster / local stock")
ratio("3 requests (ping -c 3), -H, RENTALD_SSH_REUSE=no (3 ssh sessions)", "3 requests (ping -c 3), -H, one ssh session (reuse)",
      "3 requests without reuse / with reuse")
saved = results["3 requests (ping -c 3), -H, RENTALD_SSH_REUSE=no (3 ssh sessions)"] - results["3 requests (ping -c 3), -H, one ssh session (reuse)"]
print(f"  {'one ssh session start saved per extra request (ms)':<68} {saved / 2:8.1f}")
PY
    ssh -F "$work/ssh_config.mux" -O exit -p "$port" root@localhost 2>/dev/null || true
}

if [[ ${1:-} == --inside ]]; then
    inside "$2" "$3" "$4"
else
    while [[ $# -gt 0 ]]; do
        case $1 in
            --quick) RUNS=5 ;;
            --runs) RUNS=$2; shift ;;
            *) die "unknown argument $1" ;;
        esac
        shift
    done
    outside
fi
