#!/usr/bin/env bash
# Sourced by the journal tests, inside their private mount namespace (`unshare --mount --propagation
# private`): never source it outside one, it mounts over /run and /var/log/journal.

JOURNALD=/lib/systemd/systemd-journald

# Fresh, private /run and /var/log/journal, plus a drop-in that keeps journald from forwarding to the
# host's console, kernel log, syslog or terminals.
isolate_journal() {
    mount -t tmpfs -o mode=0755 tmpfs /run
    if [[ -d /var/log/journal ]]; then
        mount -t tmpfs -o mode=2755 tmpfs /var/log/journal
    else
        mount -t tmpfs -o mode=0755 tmpfs /var/log
        mkdir /var/log/journal
    fi
    mkdir -p /run/systemd/journal /run/log/journal /run/systemd/journald.conf.d
    cat >/run/systemd/journald.conf.d/90-test.conf <<'CONF'
[Journal]
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
ReadKMsg=no
CONF
}

# Starts journald (logging about itself to $1/journald.log, not the host's /dev/kmsg), sets JOURNALD_PID and
# waits for its socket; fails (status 1, the log on stdout) when the socket does not appear within 10 s.
start_journald() {
    SYSTEMD_LOG_TARGET=console "$JOURNALD" >"$1/journald.log" 2>&1 &
    # shellcheck disable=SC2034 # read by the caller
    JOURNALD_PID=$!
    for _ in $(seq 100); do
        [[ -S /run/systemd/journal/socket ]] && return 0
        sleep 0.1
    done
    cat "$1/journald.log"
    return 1
}
