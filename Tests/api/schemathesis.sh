#!/usr/bin/env bash
# API contract test: checks a live rentald against openapi/rentald.openapi.yaml with schemathesis.
#
# Usage (from anywhere; CI builds first):
#     swift build && bash Tests/api/schemathesis.sh
#     RENTALD_BIN=/path/to/rentald bash Tests/api/schemathesis.sh      # a prebuilt daemon
#     SCHEMATHESIS_LONG=1 bash Tests/api/schemathesis.sh                 # long run (~32,000 cases; 7–14 min)
#
# What it does:
#   1. makes sure .build/venv-api holds the pinned schemathesis and openapi-spec-validator
#      (Tests/api/requirements.txt), creating it when missing or stale;
#   2. starts a fresh `rentald --demo` in a temporary directory, with its own configuration file, state
#      directory and socket;
#   3. validates the OpenAPI document (openapi-spec-validator);
#   4. runs schemathesis against the daemon through Tests/api/unix_bridge.py (schemathesis 4 speaks TCP
#      only; the bridge listens on 127.0.0.1, ephemeral port, and forwards to the daemon's Unix socket),
#      with the checks not_a_server_error, response_schema_conformance, status_code_conformance and
#      content_type_conformance, in all four phases (examples, coverage, fuzzing, stateful); the hooks
#      in Tests/api/hooks.py steer part of the cases to identifiers that exist in the demo data, and
#      Tests/api/schemathesis.toml caps the cases of POST /v1/backups (each writes a copy of the store);
#   5. prints the number of generated cases and, last, `schemathesis: N passed, M failed`, where N and M
#      count API OPERATIONS (method + path): an operation fails when any check failed, or an error
#      happened, for any of its cases in any phase;
#   6. stops the bridge and the daemon and removes the temporary directory, whatever happened.
# Exits 0 only when the spec is valid, every operation passed, schemathesis exited 0 and the daemon
# was still running at the end.
#
# Environment:
#   RENTALD_BIN                 the daemon (default: "$(swift build --show-bin-path)/rentald")
#   SCHEMATHESIS_LONG=1         long mode: 1000 examples per operation (quick mode: 200)
#   SCHEMATHESIS_MAX_EXAMPLES   override the examples per operation
#   SCHEMATHESIS_SEED           the seed (quick mode default: 20261124, fixed so CI runs are repeatable;
#                               long mode default: random, printed)
#   SCHEMATHESIS_WORKERS        concurrent workers (default 1: the daemon serialises writes anyway, and
#                               one worker keeps failures reproducible)
#   SCHEMATHESIS_REPORT_DIR     keep the reports there: JSON summary, JUnit, pytest reproducers and an
#                               NDJSON log of every request and response (default: JSON, JUnit and
#                               pytest only, inside the temporary directory, removed at exit)
#   SCHEMATHESIS_EXTRA_ARGS     more arguments for `schemathesis run` (split on white space)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/Tests/api"
SPEC="$ROOT/openapi/rentald.openapi.yaml"
VENV="$ROOT/.build/venv-api"
REQUIREMENTS="$HERE/requirements.txt"
CHECKS=not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance

LONG=${SCHEMATHESIS_LONG:-0}
if [[ $LONG == 1 ]]; then
    MODE=long
    MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-1000}
    SEED=${SCHEMATHESIS_SEED:-$(( (RANDOM << 15) | RANDOM ))}
    RUN_TIMEOUT=3600
else
    MODE=quick
    MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-200}
    SEED=${SCHEMATHESIS_SEED:-20261124}
    RUN_TIMEOUT=600
fi
WORKERS=${SCHEMATHESIS_WORKERS:-1}

fail() {
    echo "schemathesis.sh: $*" >&2
    echo "schemathesis: 0 passed, 1 failed"
    exit 1
}

# ---------------------------------------------------------------- 1. the virtual environment
requirements_hash() {
    { sha256sum "$REQUIREMENTS"; python3 --version 2>&1; } | sha256sum | cut -d' ' -f1
}

ensure_venv() {
    local want stamp="$VENV/.rentalkit-requirements"
    command -v python3 >/dev/null || fail "python3 not found"
    want=$(requirements_hash)
    if [[ -x $VENV/bin/python && -f $stamp && $(cat "$stamp") == "$want" ]]; then
        return
    fi
    echo "== preparing $VENV (pinned in Tests/api/requirements.txt)"
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    python3 -m venv "$VENV" || fail "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS" \
        || fail "pip install -r $REQUIREMENTS failed"
    echo "$want" >"$stamp"
}

ensure_venv
"$VENV/bin/python" - <<'EOF' || fail "the virtual environment does not hold the pinned versions"
import importlib.metadata as m
print("schemathesis", m.version("schemathesis"), "/ openapi-spec-validator", m.version("openapi-spec-validator"),
      "/ hypothesis", m.version("hypothesis"))
EOF

# ---------------------------------------------------------------- 2. the daemon
if [[ -n ${RENTALD_BIN:-} ]]; then
    BIN=$RENTALD_BIN
else
    BIN="$(cd "$ROOT" && swift build --show-bin-path)/rentald"
fi
[[ -x $BIN ]] || fail "no daemon at $BIN: run 'swift build' first, or set RENTALD_BIN"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rentald-api.XXXXXX")
DAEMON_PID=
BRIDGE_PID=
ST_PID=
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for pid in "$ST_PID" "$BRIDGE_PID" "$DAEMON_PID"; do
        [[ -n $pid ]] || continue
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
    exit "$status"
}
interrupted() {
    echo "schemathesis.sh: interrupted by SIG$1; stopping" >&2
    echo "schemathesis: 0 passed, 1 failed"
    exit "$2"
}
trap cleanup EXIT
trap 'interrupted INT 130' INT
trap 'interrupted TERM 143' TERM

# A configuration file of our own, so that a host's /etc/rentald/rentald.conf never applies. The daemon
# treats its own user (the one running this script, and so the bridge) as an administrator.
cat >"$WORK/rentald.conf" <<'EOF'
# Written by Tests/api/schemathesis.sh for a throwaway demo daemon.
[daemon]
log_level = notice
[store]
synchronous = normal
EOF

SOCKET="$WORK/rentald.sock"
echo "== starting $BIN --demo in $WORK"
(
    cd "$WORK"
    # Not under systemd, whatever the caller is: no socket activation, notify socket or watchdog.
    exec env -u INVOCATION_ID -u NOTIFY_SOCKET -u LISTEN_FDS -u LISTEN_PID -u LISTEN_FDNAMES \
        -u WATCHDOG_USEC -u WATCHDOG_PID -u RENTALD_SOCKET \
        "$BIN" --config "$WORK/rentald.conf" --demo --state-dir "$WORK/state" --socket "$SOCKET"
) >"$WORK/rentald.log" 2>&1 &
DAEMON_PID=$!

for _ in $(seq 600); do
    [[ -S $SOCKET ]] && break
    kill -0 "$DAEMON_PID" 2>/dev/null || break
    sleep 0.1
done
if [[ ! -S $SOCKET ]]; then
    cat "$WORK/rentald.log" >&2
    fail "the daemon did not create $SOCKET within 60 s"
fi

echo "== starting the TCP bridge"
"$VENV/bin/python" "$HERE/unix_bridge.py" --socket "$SOCKET" --port-file "$WORK/port" \
    --lifetime $((RUN_TIMEOUT + 300)) 2>"$WORK/bridge.log" &
BRIDGE_PID=$!
for _ in $(seq 100); do
    [[ -s $WORK/port ]] && break
    sleep 0.1
done
[[ -s $WORK/port ]] || { cat "$WORK/bridge.log" >&2; fail "the bridge did not start"; }
PORT=$(cat "$WORK/port")
BASE="http://127.0.0.1:$PORT"

"$VENV/bin/python" - "$BASE" <<'EOF' || { cat "$WORK/rentald.log" >&2; fail "the daemon does not answer /v1/health"; }
import json, sys, time, urllib.request
base = sys.argv[1]
for attempt in range(50):
    try:
        with urllib.request.urlopen(base + "/v1/health", timeout=5) as response:
            health = json.load(response)
        print(f"   rentald {health['version']}, API v{health['apiVersion']}, caller {health['caller']} ({health['role']}),",
              ", ".join(f"{v} {k}" for k, v in health["summary"].items()))
        sys.exit(0)
    except Exception as error:  # noqa: BLE001 - retried, then reported
        last = error
        time.sleep(0.2)
print(f"   no answer: {last}", file=sys.stderr)
sys.exit(1)
EOF

# ---------------------------------------------------------------- 3. the spec
echo "== validating $(realpath --relative-to="$ROOT" "$SPEC")"
"$VENV/bin/openapi-spec-validator" "$SPEC" || fail "the OpenAPI document is not valid"

# ---------------------------------------------------------------- 4. schemathesis
REPORT_DIR=${SCHEMATHESIS_REPORT_DIR:-$WORK/report}
REPORTS=json,junit,pytest
[[ -z ${SCHEMATHESIS_REPORT_DIR:-} ]] || REPORTS=$REPORTS,ndjson   # every request and response: large
mkdir -p "$REPORT_DIR"
REPORT_JSON="$REPORT_DIR/schemathesis-run.json"
echo "== schemathesis ($MODE mode: $MAX_EXAMPLES examples per operation, seed $SEED, $WORKERS worker(s))"
started=$(date +%s)
set +e
# shellcheck disable=SC2086 # SCHEMATHESIS_EXTRA_ARGS is split on purpose
(
    cd "$WORK"   # schemathesis writes its example database (.hypothesis) into the working directory
    export SCHEMATHESIS_HOOKS="$HERE/hooks.py" RENTALD_API_BASE="$BASE"
    exec timeout --signal=INT --kill-after=60 "$RUN_TIMEOUT" \
        "$VENV/bin/schemathesis" --config-file "$HERE/schemathesis.toml" run "$SPEC" \
        --url "$BASE" \
        --checks "$CHECKS" \
        --phases examples,coverage,fuzzing,stateful \
        --max-examples "$MAX_EXAMPLES" \
        --seed "$SEED" \
        --workers "$WORKERS" \
        --request-timeout 30 \
        --continue-on-failure \
        --generation-database none \
        --no-color \
        --report "$REPORTS" \
        --report-dir "$REPORT_DIR" \
        --report-json-path "$REPORT_JSON" \
        ${SCHEMATHESIS_EXTRA_ARGS:-}
) &
ST_PID=$!   # in the background, so that a signal to this script is handled at once (wait returns)
wait "$ST_PID"
st_status=$?
ST_PID=
set -e
elapsed=$(( $(date +%s) - started ))

daemon_alive=yes
kill -0 "$DAEMON_PID" 2>/dev/null || daemon_alive=no
errors_logged=$(grep -c 'request failed' "$WORK/rentald.log" || true)

# ---------------------------------------------------------------- 5. the summary
[[ -s $REPORT_JSON ]] || fail "schemathesis wrote no report (exit $st_status, ${elapsed}s)"
summary=$("$VENV/bin/python" "$HERE/summarize.py" "$REPORT_JSON") || fail "cannot read $REPORT_JSON"
get() { sed -n "s/^$1=//p" <<<"$summary"; }
cases=$(get cases)
passed=$(get passed)
failed=$(get failed)

echo
echo "== result ($MODE mode, seed $SEED, ${elapsed}s)"
echo "   cases run: $cases generated test cases ($(get cases_with_failures) with failures, $(get unique_failures) unique failures)"
echo "   operations: $(get operations) tested, $passed passed, $failed failed"
grep '^#' <<<"$summary" | sed 's/^#/  /' || true
echo "   daemon still running at the end: $daemon_alive; 5xx answers it logged: $errors_logged"
if [[ $daemon_alive == no ]]; then
    echo "   the daemon died; last lines of its log:"
    tail -20 "$WORK/rentald.log" | sed 's/^/     /'
    failed=$((failed + 1))
fi
if [[ $st_status -ne 0 && $failed -eq 0 ]]; then
    echo "   schemathesis exited $st_status without a failing operation (interrupted, timed out or crashed)"
    failed=1
fi
[[ -z ${SCHEMATHESIS_REPORT_DIR:-} ]] || echo "   reports kept in $REPORT_DIR"

# Operations, not cases: N passed, M failed.
echo "schemathesis: $passed passed, $failed failed"
[[ $failed -eq 0 && $st_status -eq 0 ]]
