#!/usr/bin/env bash
# rentald against the physical limits of this machine, measured side by side in one run (issue 8): the
# machines are shared and noisy, so every figure is printed with the baseline measured next to it and the
# ratio between them, against the target.
#
#   1. durable checkouts/s through the socket (1, 8, 32 clients, each its own keep-alive connection;
#      group commit off and on when rentald knows [store] group_commit) vs raw SQLite, the same writes
#      through the C API with one commit per operation;
#   2. the daemon's round trips vs the simplest Unix-socket server answering the same bytes;
#   3. the overdue listing of 1,000,000 loans (50,000 overdue): raw SQL, RentalStore in-process, rentald;
#   4. rentalctl one-shot whole-process time vs curl --unix-socket for the same request;
#   5. rentald's memory idle with the demo store, and with the 1M-loan store after the listing;
#   6. spawn → READY=1 with the 1M-loan store, vs PRAGMA quick_check alone;
#   6b. the summary report over a year of that store (RentalStore in-process) vs its raw SQL statements;
#   7. CSV import of 100,000 units vs a raw SQLite insert of the same rows;
#   8. benchmarks/peer/run.sh (compendium-ils), when present: its lines go into the table.
#
# Usage: bash benchmarks/run.sh [--quick] [--markdown FILE] [--no-build] [--group-commit auto|off] [--only LIST]
#   (long mode)       1M loans, 5 s per checkout run, 200 one-shot runs; about 5 minutes after the build
#   --quick           small sizes for CI (100,000 loans, 1 s runs, 30 one-shot runs); under 2 minutes after
#                     the build, plus the peer's own quick run
#   --markdown FILE   also write the final table as Markdown to FILE
#   --no-build        use the binaries already in the scratch path
#   --group-commit    auto (default): measure group commit off and on when rentald accepts the key, else its
#                     default only; off: never pass the key
#   --only LIST       comma-separated subset: checkout,socket,overdue,reports,memory,oneshot,startup,import (development)
#
# Environment:
#   BENCH_SCRATCH     SwiftPM scratch path of the release build (default .build-release, as
#                     scripts/install.sh and the system test use, so CI builds once)
#   BENCH_TMPDIR      where the temporary work directory goes (default /tmp; it must be on a real disk:
#                     fsync on tmpfs costs nothing)
#   BENCH_SKIP_PEER=1 do not run benchmarks/peer/run.sh
#   BENCH_KEEP=1      keep the work directory (stores, logs) after the run
#
# Exit status: 0 when every figure could be measured, whatever the timings; non-zero only when something
# cannot run (a build, a daemon that does not start, requests that fail, the peer script failing).
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
QUICK=0
MARKDOWN=
BUILD=1
GROUP=auto
ONLY=
ARGS=("$@")
die() { echo "run.sh: $*" >&2; exit 1; }
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) QUICK=1; shift ;;
        --markdown) MARKDOWN=${2:?--markdown needs a file}; shift 2 ;;
        --markdown=*) MARKDOWN=${1#*=}; shift ;;
        --no-build) BUILD=0; shift ;;
        --group-commit) GROUP=${2:?--group-commit needs auto or off}; shift 2 ;;
        --only) ONLY=${2:?--only needs a list}; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
done
if [[ -n $MARKDOWN && $MARKDOWN != /* ]]; then MARKDOWN=$OLDPWD/$MARKDOWN; fi
[[ $(id -u) == 0 ]] || die "run as root (rentald makes root an administrator; the checkouts need circulation rights)"

SCRATCH=${BENCH_SCRATCH:-.build-release}
[[ $SCRATCH == /* ]] || SCRATCH=$REPO/$SCRATCH
BIN=$SCRATCH/release
TMPROOT=${BENCH_TMPDIR:-/tmp}
mkdir -p "$TMPROOT"
WORK=$(mktemp -d "$TMPROOT/rental-bench.XXXXXX")
export BENCH_PID_FILE=$WORK/pids
BENCH_PID=

# Stops everything this run started: the benchmark, then every daemon and server it recorded (only
# processes whose command line names this run's work directory, in case a pid was reused).
cleanup() {
    local pid
    if [[ -n $BENCH_PID ]] && kill -0 "$BENCH_PID" 2>/dev/null; then
        kill -TERM "$BENCH_PID" 2>/dev/null || true
        sleep 0.5
        kill -KILL "$BENCH_PID" 2>/dev/null || true
    fi
    if [[ -f $WORK/pids ]]; then
        while read -r pid; do
            if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$WORK"; then
                kill -KILL "$pid" 2>/dev/null || true
            fi
        done <"$WORK/pids"
    fi
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then echo "run.sh: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $BUILD == 1 ]]; then
    command -v swift >/dev/null || die "swift not found"
    for product in rentald rentalctl rental-bench; do
        echo "run.sh: building $product (release, static Swift runtime) in $SCRATCH ..."
        # The flags of scripts/install.sh, so the binaries are the ones that get installed.
        swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --product "$product" >"$WORK/build-$product.log" 2>&1 \
            || { tail -20 "$WORK/build-$product.log" >&2; die "building $product failed"; }
    done
fi
for product in rentald rentalctl rental-bench; do
    [[ -x $BIN/$product ]] || die "$BIN/$product is missing (build without --no-build)"
done
command -v curl >/dev/null || die "curl is missing (scripts/install-deps.sh installs it)"

mode=long
[[ $QUICK == 1 ]] && mode=quick
began=$(date +%s)
bench=("$BIN/rental-bench" run --rentald "$BIN/rentald" --rentalctl "$BIN/rentalctl" --curl "$(command -v curl)"
       --work "$WORK/run" --rows "$WORK/rows.tsv" --group-commit "$GROUP")
[[ $QUICK == 1 ]] && bench+=(--quick)
[[ -n $ONLY ]] && bench+=(--only "$ONLY")
"${bench[@]}" &
BENCH_PID=$!
status=0
wait "$BENCH_PID" || status=$?
BENCH_PID=
echo "run.sh: rental-bench took $(($(date +%s) - began)) s"

peer_status=0
: >"$WORK/peer.out"
if [[ ${BENCH_SKIP_PEER:-0} == 1 || -n $ONLY ]]; then
    echo "peer: note: skipped (BENCH_SKIP_PEER=1 or --only)" >"$WORK/peer.out"
elif [[ -f benchmarks/peer/run.sh ]]; then
    echo "run.sh: benchmarks/peer/run.sh ($mode) ..."
    peer=(bash benchmarks/peer/run.sh)
    [[ $QUICK == 1 ]] && peer+=(--quick)
    RENTALD=$BIN/rentald "${peer[@]}" | tee "$WORK/peer.out" || peer_status=$?
    [[ $peer_status == 0 ]] || echo "peer: note: benchmarks/peer/run.sh could not run (exit status $peer_status)" >>"$WORK/peer.out"
else
    echo "peer: note: benchmarks/peer/run.sh is not there yet; no peer figures" >"$WORK/peer.out"
fi

command_line="bash benchmarks/run.sh${ARGS[*]:+ ${ARGS[*]}}"
report=("$BIN/rental-bench" report --rows "$WORK/rows.tsv" --peer "$WORK/peer.out"
        --title "rentald benchmarks, $mode mode: $command_line (BENCH_SCRATCH=${BENCH_SCRATCH:-.build-release})")
[[ -n $MARKDOWN ]] && report+=(--markdown "$MARKDOWN")
"${report[@]}"

if [[ $status != 0 ]]; then die "rental-bench could not finish (exit status $status): the table above has the figures measured before that"; fi
if [[ $peer_status != 0 ]]; then die "benchmarks/peer/run.sh could not run (exit status $peer_status)"; fi
echo "run.sh: done in $(($(date +%s) - began)) s"
