#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, runs the system tests that need root, the API contract
# test, then the Swift test suites (last, so their summary closes the output).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build --build-tests
# swift-argument-parser's manual generator, for ManualTests (the pages install.sh installs).
swift build --product generate-manual

if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
    bash Tests/system/journal-test.sh
    bash Tests/system/notices-journal-test.sh
    bash Tests/system/personal-data-journal-test.sh
    # rentalctl -H through a real sshd on a spare port; test users only in a private mount namespace.
    bash Tests/system/ssh-test.sh
    # The state directory on a full 24 MB tmpfs and loop-mounted ext4.
    bash Tests/system/disk-full-test.sh
    # A real systemd as PID 1 in private namespaces; builds the release binaries first (~5 min from clean).
    bash Tests/system/systemd-test.sh
else
    echo "skipped: Tests/system/*.sh need root and unshare (a private journald, a private systemd)"
fi

# The live daemon against the OpenAPI document (quick mode; SCHEMATHESIS_LONG=1 for the long run).
bash Tests/api/schemathesis.sh

# Benchmarks, quick mode (release binaries, reusing the system test's build): each figure beside its
# baseline and target, and the peer compendium-ils; fails only when something cannot run, never on a timing.
# The long mode is `bash benchmarks/run.sh` (figures in BENCHMARKS.md).
if [ "$(id -u)" -eq 0 ]; then
    bash benchmarks/run.sh --quick
else
    echo "skipped: benchmarks/run.sh needs root (it reads other processes' /proc entries and binds test sockets)"
fi

swift test --skip-build --parallel
