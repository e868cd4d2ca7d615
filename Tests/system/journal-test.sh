#!/usr/bin/env bash
# End-to-end test of JournalWriter against a real systemd-journald.
#
# Usage (as root, after `swift build`):
#     bash Tests/system/journal-test.sh
# Environment: JOURNAL_TEST_COUNT (default 20000) entries for the flood.
#
# libsystemd always sends to /run/systemd/journal/socket, so the script re-runs
# itself in a private mount namespace (`unshare --mount --propagation private`)
# where /run and /var/log/journal are fresh tmpfs mounts, and starts its own
# journald there. /run is mounted as a whole, so no mount point has to be
# created on the host. When the script ends, journald is killed and the
# namespace, its mounts and the journal files disappear. The host's mounts,
# journald (if any) and /run are never touched. systemd is never started as
# PID 1 and systemd-tmpfiles is never run.
#
# Exits 0 when every check passes; the last line always starts PASS or FAIL.
set -euo pipefail

SCRIPT=$(realpath "${BASH_SOURCE[0]}")
# shellcheck source=Tests/system/private-journald.sh
source "$(dirname "$SCRIPT")/private-journald.sh"  # isolate_journal, start_journald, JOURNALD
COUNT=${JOURNAL_TEST_COUNT:-20000}

fail() {
    echo "FAIL journal-test: $*"
    exit 1
}

outside() {
    [[ $(id -u) == 0 ]] || fail "must run as root (it mounts tmpfs in a private mount namespace)"
    for tool in unshare mount journalctl python3 "$JOURNALD"; do
        command -v "$tool" >/dev/null || fail "$tool not found"
    done
    local probe
    cd "$(dirname "$SCRIPT")/../.."
    probe="$(swift build --show-bin-path)/journal-probe"
    [[ -x $probe ]] || fail "$probe not found: run 'swift build' first"
    exec unshare --mount --propagation private -- bash "$SCRIPT" --inside "$probe"
}

inside() {
    local probe=$1 work=/run/journal-test run="test-$$-$RANDOM" flood started elapsed summary
    isolate_journal
    mkdir "$work"

    "$probe" unavailable >/dev/null || fail "send without journald did not fail with ENOENT"

    start_journald "$work" || fail "journald did not create its socket"
    trap 'kill "$JOURNALD_PID" 2>/dev/null || true' EXIT

    "$probe" fields "$run" >"$work/expected.jsonl" || fail "journal-probe fields failed"
    started=$(date +%s%N)
    flood=$("$probe" flood "$run" "$COUNT") || fail "journal-probe flood failed"
    journalctl --sync || fail "journalctl --sync failed"
    elapsed=$(( ($(date +%s%N) - started) / 1000000 ))

    summary=$(python3 "$(dirname "$SCRIPT")/journal-check.py" \
        --run "$run" --expected "$work/expected.jsonl" --flood-summary "$flood") \
        || { echo "$summary"; fail "journal contents differ (see above)"; }
    echo "$summary"

    kill "$JOURNALD_PID"
    wait "$JOURNALD_PID" || true
    trap - EXIT
    "$probe" refused >/dev/null || fail "send to a stale socket did not fail with ECONNREFUSED"

    echo "PASS journal-test: ${summary##*$'\n'}; flood+sync ${elapsed} ms; ENOENT without journald, ECONNREFUSED after it stopped"
}

if [[ ${1:-} == --inside ]]; then
    inside "$2"
else
    outside
fi
