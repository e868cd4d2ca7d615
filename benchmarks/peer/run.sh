#!/usr/bin/env bash
# rentald against a real peer, compendium-ils (PyPI: a Python library-circulation system on SQLite with a
# REST API and a CLI), on the same work: checkouts through each one's API, and finding and notifying the
# overdue loans among many open loans. Prints one line per figure:
#   peer: <figure>: rentald X, compendium-ils Y, ratio Z× (target ≥ 20×)
#
# Usage: benchmarks/peer/run.sh [--quick] [--markdown FILE] [--clients N]
#   full:    10,000 checkouts (1 client, then N concurrent clients, default 8); 100,000 open loans, 5% overdue
#   --quick: 1,000 checkouts; 10,000 open loans (about 1–2 minutes with the pip install)
#   --markdown FILE  also appends the figures to FILE as a Markdown table
#
# Environment:
#   RENTALD        the rentald binary (default: .build-release/release/rentald, built there as
#                  scripts/install.sh does when missing)
#   PEER_VENV      where compendium-ils 1.6.2 is installed (default: .build/peer-compendium-ils-1.6.2, which
#                  git ignores; reused when it already holds that version). PEER_VENV=temp installs into the
#                  temporary directory and throws it away afterwards.
#   PYTHON         the Python (≥ 3.11) that makes the virtual environment (default: python3)
#
# Runs as root (rentald makes root an administrator, which the backdated checkouts need). Everything it
# starts is stopped and every temporary file removed on exit. The exit status is non-zero only when the
# benchmark cannot run, never because of a timing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=1.6.2

quick=0
markdown=""
clients=8
while (($#)); do
    case $1 in
        --quick) quick=1; shift ;;
        --markdown) markdown=${2:?--markdown needs a file}; shift 2 ;;
        --clients) clients=${2:?--clients needs a number}; shift 2 ;;
        -h | --help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; exit 64 ;;
    esac
done
if [[ -n $markdown ]]; then
    # The driver runs elsewhere; name the file absolutely.
    markdown=$(cd "$(dirname "$markdown")" && pwd)/$(basename "$markdown")
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "run.sh: run as root (rentald makes root an administrator; backdated checkouts need one)" >&2
    exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/peer-bench.XXXXXX")
driver=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    local pid
    # The driver stops the services it started; whatever is left (it was killed) is stopped here by id.
    if [[ -n $driver ]] && kill -0 "$driver" 2>/dev/null; then
        kill -TERM "$driver" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$driver" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$driver" 2>/dev/null || true
    fi
    if [[ -f $work/pids ]]; then
        while read -r pid; do
            kill -TERM "$pid" 2>/dev/null || continue
            for _ in 1 2 3 4 5 6 7 8 9 10; do
                kill -0 "$pid" 2>/dev/null || continue 2
                sleep 0.5
            done
            kill -KILL "$pid" 2>/dev/null || true
        done <"$work/pids"
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

began=$(date +%s)

# ---------------------------------------------------------------- rentald
rentald=${RENTALD:-$repo/.build-release/release/rentald}
if [[ ! -x $rentald ]]; then
    if [[ -n ${RENTALD:-} ]]; then
        echo "run.sh: RENTALD=$RENTALD is not an executable" >&2
        exit 1
    fi
    echo "peer: building rentald (release) into .build-release" >&2
    (cd "$repo" && swift build -c release --static-swift-stdlib --scratch-path "$repo/.build-release" \
        --product rentald) >&2
fi

# ---------------------------------------------------------------- compendium-ils in a virtual environment
venv=${PEER_VENV:-$repo/.build/peer-compendium-ils-$version}
if [[ $venv == temp ]]; then
    venv=$work/venv
fi
python=${PYTHON:-python3}
installed() {
    [[ -x $venv/bin/compendium ]] &&
        [[ $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("compendium-ils"))' \
            2>/dev/null) == "$version" ]]
}
if ! installed; then
    echo "peer: installing compendium-ils==$version into $venv" >&2
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    if ! "$python" -m venv "$venv" >&2; then
        echo "run.sh: cannot create a virtual environment with $python (Debian: apt-get install python3-venv)" >&2
        exit 1
    fi
    if ! "$venv/bin/pip" install --quiet --disable-pip-version-check "compendium-ils==$version" >&2; then
        rm -rf "$venv"
        echo "run.sh: pip could not install compendium-ils==$version" >&2
        exit 1
    fi
fi
installed || { echo "run.sh: compendium-ils $version is not usable in $venv" >&2; exit 1; }

# ---------------------------------------------------------------- run
args=(--workdir "$work" --rentald "$rentald" --compendium "$venv/bin/compendium"
    --peer-python "$venv/bin/python" --clients "$clients")
mode=full option=""
if ((quick)); then
    args+=(--quick)
    mode=quick option=" --quick"
fi
if ((clients != 8)); then
    option+=" --clients $clients"
fi
if [[ -n $markdown ]]; then
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    header="Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) × ${cpu:-unknown CPU}, $mode mode:"
    header+=" \`benchmarks/peer/run.sh$option\`; compendium-ils $version,"
    header+=" $("$venv/bin/python" --version 2>&1)."
    args+=(--markdown "$markdown" --header "$header")
fi
# In the background, so that a signal to this script is handled at once (bash runs traps only between
# commands, and `wait` is one that a signal interrupts).
"$venv/bin/python" "$here/drive.py" "${args[@]}" &
driver=$!
status=0
wait "$driver" || status=$?
driver=""
if ((status == 0)); then
    echo "peer: done in $(($(date +%s) - began)) s" >&2
else
    echo "peer: the benchmark could not run (driver exit status $status)" >&2
fi
exit "$status"
