#!/usr/bin/env bash
# `rentalctl -H` against a real OpenSSH server: the daemon sees the Unix user ssh logged in as.
#
# Usage (as root, after `swift build`): bash Tests/system/ssh-test.sh
# Environment: RENTALD (the rentald binary; default: `swift build --show-bin-path`/rentald); rentalctl is
# taken from the same directory. Without root it prints why it is skipped and exits 0.
#
# Nothing of the machine's own sshd, accounts or /run is touched: the script re-runs itself in a private
# mount namespace (`unshare --mount --propagation private`) and, there only,
#   - mounts a tmpfs over /run (sshd's privilege-separation directory /run/sshd and the test's files,
#     all gone when the namespace ends);
#   - bind-mounts copies of /etc/passwd, /etc/group and /etc/shadow with its test users added (rk-staff,
#     rk-outsider, rk-bridge, rk-nogroup: homes under /run), so no account is created on the host;
#   - starts Debian's sshd (`/usr/sbin/sshd -D -f CONFIG -p PORT`) on 127.0.0.1 on a spare port, with its
#     own host key, config and authorized_keys, and a rentald with demo data on a socket of mode 0660 in
#     group rk-rental: [access] maps rk-staff to staff.ryabinushka and rk-bridge to read_only;
#     rk-outsider has no role; rk-nogroup is not in the socket's group.
# The client side runs as root with its own ssh config (`RENTALD_SSH_OPTIONS="-F FILE"`: its own
# known_hosts with the test host's key, StrictHostKeyChecking yes, a key per user) and
# `RENTALD_REMOTE_RENTALCTL` naming the rentalctl copied to a directory the test users can read.
#
# Every check prints a PASS or FAIL line; the last line starts PASS when all passed, else FAIL.
set -euo pipefail

SCRIPT=$(realpath "${BASH_SOURCE[0]}")

die() {
    echo "FAIL ssh-test: $*"
    exit 1
}

outside() {
    if [[ $(id -u) != 0 ]]; then
        echo "skipped: Tests/system/ssh-test.sh needs root (it starts sshd and mounts copies of the account files in a private mount namespace)"
        exit 0
    fi
    for tool in unshare mount ssh ssh-keygen curl python3 /usr/sbin/sshd; do
        command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs openssh-server)"
    done
    local rentald=${RENTALD:-}
    if [[ -z $rentald ]]; then
        cd "$(dirname "$SCRIPT")/../.."
        rentald=$(swift build --show-bin-path)/rentald
    fi
    [[ -x $rentald && -x $(dirname "$rentald")/rentalctl ]] || die "$rentald or rentalctl beside it not found: build first, or set RENTALD"
    exec unshare --mount --propagation private -- bash "$SCRIPT" --inside "$(realpath "$rentald")"
}

PASSED=0
FAILED=0
check() {  # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then
        PASSED=$((PASSED + 1))
        echo "PASS ssh-test: $what"
    else
        FAILED=$((FAILED + 1))
        echo "FAIL ssh-test: $what"
    fi
}

# ctl USER ARGS...: rentalctl -H USER@127.0.0.1:PORT ARGS... --socket SOCKET (on the server; CTL_SOCKET to
# change it) as root on the client side; sets OUT, ERR, CODE.
ctl() {
    local user=$1
    shift
    CODE=0
    OUT=$(RENTALD_SSH_OPTIONS="-F $WORK/ssh_config" RENTALD_REMOTE_RENTALCTL=$WORK/bin/rentalctl \
          "$WORK/bin/rentalctl" -H "$user@127.0.0.1:$PORT" "$@" --socket "${CTL_SOCKET:-$SOCKET}" 2>"$WORK/stderr") || CODE=$?
    ERR=$(cat "$WORK/stderr")
}

exit_is() {  # exit_is CODE [TEXT]: the last ctl left with CODE, and its stderr contains TEXT
    if [[ $CODE == "$1" && ( -z ${2:-} || $ERR == *"$2"* ) ]]; then return 0; fi
    echo "    exit $CODE; stdout: ${OUT:0:300}; stderr: ${ERR:0:600}"
    return 1
}

json() {  # json EXPRESSION: a Python expression over the last ctl's stdout parsed as JSON (`d`)
    python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$OUT" "$1"
}

json_ok() {  # json_ok EXPRESSION: the last ctl exited 0 and the expression holds
    if [[ $CODE == 0 && $(json "bool($1)" 2>/dev/null) == True ]]; then return 0; fi
    echo "    exit $CODE; stdout: ${OUT:0:300}; stderr: ${ERR:0:600}"
    return 1
}

# forwarded_health USER: GET /v1/health through `ssh -N -L LOCAL.sock:SOCKET` (ssh's own streamlocal forwarding,
# the alternative to a bridge command); prints the body (empty when the forwarding was refused); ssh's messages
# go to $WORK/forward.log.
forwarded_health() {
    local local=$WORK/forward-$1.sock pid
    rm -f "$local"
    ssh -N -F "$WORK/ssh_config" -p "$PORT" -L "$local:$SOCKET" "$1@127.0.0.1" 2>"$WORK/forward.log" &
    pid=$!
    for _ in $(seq 100); do [[ -S $local ]] && break; sleep 0.1; done
    curl -s --max-time 10 --unix-socket "$local" http://localhost/v1/health || true
    sleep 0.3
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

sessions() {  # how many ssh logins sshd has accepted so far
    grep -c "Accepted publickey" "$WORK/sshd.log" || true
}

inside() {
    local rentald=$1 bin
    bin=$(dirname "$rentald")
    mount -t tmpfs -o mode=0755 tmpfs /run
    mkdir -m 0755 /run/sshd
    WORK=/run/ssh-test
    mkdir -m 0755 "$WORK" "$WORK/bin" "$WORK/etc" "$WORK/home" "$WORK/keys" "$WORK/authorized"
    SOCKET=$WORK/rentald.sock
    install -m 0755 "$rentald" "$bin/rentalctl" "$WORK/bin/"

    # Test users, in copies of the account files seen only in this namespace.
    local users=(rk-staff rk-outsider rk-bridge rk-nogroup) uid=61000 user
    cp /etc/passwd /etc/group /etc/shadow "$WORK/etc/"
    echo "rk-rental:x:$uid:rk-staff,rk-outsider,rk-bridge" >>"$WORK/etc/group"
    for user in "${users[@]}"; do
        uid=$((uid + 1))
        getent passwd "$user" >/dev/null && die "user $user exists on this machine"
        echo "$user:x:$uid:$uid::$WORK/home/$user:/bin/sh" >>"$WORK/etc/passwd"
        echo "$user:x:$uid:" >>"$WORK/etc/group"
        echo "$user:*:20000:0:99999:7:::" >>"$WORK/etc/shadow"
    done
    for file in passwd group shadow; do mount --bind "$WORK/etc/$file" "/etc/$file"; done
    for user in "${users[@]}"; do
        mkdir -m 0700 "$WORK/home/$user"
        chown "$user:$user" "$WORK/home/$user"
        ssh-keygen -q -t ed25519 -N '' -C "$user" -f "$WORK/keys/$user"
        if [[ $user == rk-bridge ]]; then
            # The key may run the bridge and nothing else.
            echo "restrict,command=\"$WORK/bin/rentalctl bridge --socket $SOCKET\" $(cat "$WORK/keys/$user.pub")" >"$WORK/authorized/$user"
        else
            cp "$WORK/keys/$user.pub" "$WORK/authorized/$user"
        fi
    done
    chmod 0644 "$WORK"/authorized/*

    # rentald with demo data.
    cat >"$WORK/rentald.conf" <<EOF
[daemon]
socket_mode = 0660
socket_group = rk-rental
[access]
staff.ryabinushka = user:rk-staff
read_only = user:rk-bridge
EOF
    "$rentald" --demo --state-dir "$WORK/state" --socket "$SOCKET" --config "$WORK/rentald.conf" >"$WORK/rentald.log" 2>&1 &
    local daemon=$!
    # sshd on a spare port, with its own host key.
    PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    ssh-keygen -q -t ed25519 -N '' -f "$WORK/host_key"
    cat >"$WORK/sshd_config" <<EOF
ListenAddress 127.0.0.1
HostKey $WORK/host_key
PidFile none
AuthorizedKeysFile $WORK/authorized/%u
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers ${users[*]}
AcceptEnv LANG LC_*
PrintMotd no
LogLevel VERBOSE
EOF
    /usr/sbin/sshd -t -f "$WORK/sshd_config" || die "sshd refuses the test configuration"
    /usr/sbin/sshd -D -e -f "$WORK/sshd_config" -p "$PORT" 2>"$WORK/sshd.log" &
    local sshd=$!
    trap 'kill '"$sshd $daemon"' 2>/dev/null || true; wait 2>/dev/null || true' EXIT

    # The client side: its own known_hosts with the test host's key, a key per user, host keys checked.
    echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$WORK/host_key.pub")" >"$WORK/known_hosts"
    ssh_config() {  # ssh_config KNOWN_HOSTS [EXTRA LINE]
        printf 'Host *\n  UserKnownHostsFile %s\n  GlobalKnownHostsFile /dev/null\n  IdentityFile %s/keys/%%r\n  IdentitiesOnly yes\n  SendEnv LANG LC_*\n%s\n' \
            "$1" "$WORK" "${2:-}"
    }
    ssh_config "$WORK/known_hosts" "  StrictHostKeyChecking yes" >"$WORK/ssh_config"
    unset SSH_AUTH_SOCK RENTALD_HOST RENTALD_SOCKET RENTALD_SSH_REUSE
    export LANG=C.UTF-8

    for _ in $(seq 100); do
        [[ -S $SOCKET ]] && (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
        sleep 0.1
    done
    [[ -S $SOCKET ]] || { cat "$WORK/rentald.log"; die "rentald did not start"; }

    # --- rk-staff, staff of ryabinushka ---
    ctl rk-staff status --json
    check "rk-staff over ssh: the daemon sees rk-staff, role staff" json_ok 'd["caller"] == "rk-staff" and d["role"] == "staff"'
    ctl rk-staff units list --centre ryabinushka --type wardrobe --status available --json
    local home away loan
    home=$(json 'd["items"][0]["inventoryNumber"]' 2>/dev/null || echo none)
    ctl rk-staff units list --centre isilkul --type wardrobe --status available --json
    away=$(json 'd["items"][0]["inventoryNumber"]' 2>/dev/null || echo none)
    ctl rk-staff checkout --family F-2026-0002 --unit "$home" --centre ryabinushka --json
    check "rk-staff checks out $home at ryabinushka, issued by rk-staff" json_ok 'd["issuedBy"] == "rk-staff" and d["centre"] == "ryabinushka"'
    loan=$(json 'd["id"]' 2>/dev/null || echo none)
    ctl rk-staff return "$home" --centre ryabinushka --json
    check "rk-staff takes $home back at ryabinushka" json_ok 'd["loan"]["id"] == '"${loan//none/0}"
    ctl rk-staff checkout --family F-2026-0002 --unit "$away" --centre isilkul
    check "rk-staff is refused circulation at isilkul: exit 77" exit_is 77 forbidden
    ctl rk-staff stock --json
    check "rk-staff reads stock" json_ok 'len(d["items"]) > 0'

    # --- rk-outsider: logs in, but has no role: health only ---
    ctl rk-outsider status --json
    check "rk-outsider: rentalctl status answers with role none and no counts" \
        json_ok 'd["role"] == "none" and d["caller"] == "rk-outsider" and "summary" not in d'
    local command
    for command in stock "units list" "checkout --family F-2026-0002 --unit $away --centre isilkul"; do
        # shellcheck disable=SC2086
        ctl rk-outsider $command
        check "rk-outsider: rentalctl $command is refused, exit 77, naming rk-outsider" exit_is 77 "user rk-outsider has no role"
    done

    # --- the audit trail names the ssh user ---
    CODE=0
    OUT=$("$WORK/bin/rentalctl" audit list --entity loan --key "$loan" --json --socket "$SOCKET" 2>&1) || CODE=$?
    check "the audit trail of loan $loan names rk-staff for checkout and return, never root" \
        json_ok 'len(d["items"]) >= 2 and {e["actor"] for e in d["items"]} == {"rk-staff"}'

    # --- a key restricted to the bridge ---
    local said
    said=$(timeout 20 ssh -F "$WORK/ssh_config" -p "$PORT" rk-bridge@127.0.0.1 'id; echo shell-ran' </dev/null 2>&1 || true)
    check "rk-bridge's restricted key runs no shell command" bash -c '[[ $1 != *shell-ran* && $1 != *uid=* ]] || { echo "    got: $1"; exit 1; }' _ "$said"
    said=$(timeout 20 ssh -tt -F "$WORK/ssh_config" -p "$PORT" rk-bridge@127.0.0.1 </dev/null 2>&1 || true)
    check "rk-bridge's restricted key gets no terminal" bash -c '[[ $1 == *"PTY allocation request failed"* ]] || { echo "    got: $1"; exit 1; }' _ "$said"
    said=$(forwarded_health rk-bridge)
    check "ssh's own forwarding of the socket (-L local.sock:rentald.sock) is refused to the restricted key (why rentalctl uses a bridge command)" \
        bash -c '[[ -z $1 ]] || { echo "    got: ${1:0:300}"; exit 1; }' _ "$said"
    CODE=0
    OUT=$(RENTALD_SSH_OPTIONS="-F $WORK/ssh_config" "$WORK/bin/rentalctl" -H "rk-bridge@127.0.0.1:$PORT" status --json 2>"$WORK/stderr") || CODE=$?
    ERR=$(cat "$WORK/stderr")
    check "rentalctl -H works with the restricted key (default remote command), caller rk-bridge, read_only" \
        json_ok 'd["caller"] == "rk-bridge" and d["role"] == "read-only"'
    ctl rk-bridge checkout --family F-2026-0002 --unit "$home" --centre ryabinushka
    check "rk-bridge (read_only) cannot check out: exit 77" exit_is 77 forbidden
    said=$(forwarded_health rk-staff)
    check "with an unrestricted key, ssh's socket forwarding also reaches rentald as rk-staff" \
        bash -c '[[ $1 == *"\"caller\":\"rk-staff\""* ]] || { echo "    got: ${1:0:300}"; exit 1; }' _ "$said"

    # --- one ssh session per rentalctl run ---
    local before after
    before=$(sessions)
    ctl rk-staff ping --count 5 --json
    after=$(sessions)
    check "ping --count 5 over one ssh session ($((after - before)) login)" \
        bash -c '[[ $1 == 1 ]] && [[ $2 == 0 ]]' _ "$((after - before))" "$CODE"
    before=$(sessions)
    CODE=0
    OUT=$(RENTALD_SSH_REUSE=no RENTALD_SSH_OPTIONS="-F $WORK/ssh_config" RENTALD_REMOTE_RENTALCTL=$WORK/bin/rentalctl \
          "$WORK/bin/rentalctl" -H "rk-staff@127.0.0.1:$PORT" ping --count 3 --json --socket "$SOCKET" 2>&1) || CODE=$?
    after=$(sessions)
    check "with RENTALD_SSH_REUSE=no each of 3 requests starts its own ssh ($((after - before)) logins)" \
        bash -c '[[ $1 == 3 ]] && [[ $2 == 0 ]]' _ "$((after - before))" "$CODE"

    # --- errors: what went wrong, in the user's language, with distinct exit codes ---
    ctl rk-ghost status
    check "an account without a key: exit 68 with ssh's own message" exit_is 68 "Permission denied (publickey)"
    ssh_config "$WORK/known_hosts.empty" >"$WORK/ssh_config.unknown"
    : >"$WORK/known_hosts.empty"
    CODE=0
    OUT=$(RENTALD_SSH_OPTIONS="-F $WORK/ssh_config.unknown" RENTALD_REMOTE_RENTALCTL=$WORK/bin/rentalctl \
          "$WORK/bin/rentalctl" -H "rk-staff@127.0.0.1:$PORT" status 2>"$WORK/stderr") || CODE=$?
    ERR=$(cat "$WORK/stderr")
    check "an unknown host key is not accepted (no StrictHostKeyChecking in the config): exit 68" exit_is 68 "Host key verification failed"
    check "... and nothing was added to known_hosts" test ! -s "$WORK/known_hosts.empty"
    ssh-keygen -q -t ed25519 -N '' -f "$WORK/other_host_key"
    echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$WORK/other_host_key.pub")" >"$WORK/known_hosts.changed"
    ssh_config "$WORK/known_hosts.changed" >"$WORK/ssh_config.changed"
    CODE=0
    OUT=$(RENTALD_SSH_OPTIONS="-F $WORK/ssh_config.changed" RENTALD_REMOTE_RENTALCTL=$WORK/bin/rentalctl \
          "$WORK/bin/rentalctl" -H "rk-staff@127.0.0.1:$PORT" status 2>"$WORK/stderr") || CODE=$?
    ERR=$(cat "$WORK/stderr")
    check "a changed host key is refused: exit 68, ssh's warning shown" exit_is 68 "REMOTE HOST IDENTIFICATION HAS CHANGED"
    local closed
    closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    CODE=0
    OUT=$(RENTALD_SSH_OPTIONS="-F $WORK/ssh_config" "$WORK/bin/rentalctl" -H "rk-staff@127.0.0.1:$closed" status 2>"$WORK/stderr") || CODE=$?
    ERR=$(cat "$WORK/stderr")
    check "nothing listening on the port: exit 68" exit_is 68 "Connection refused"
    CTL_SOCKET=$WORK/missing.sock ctl rk-staff status
    check "no rentald socket on the host: exit 69 with a hint" exit_is 69 "systemctl enable --now rentald.socket"
    ctl rk-nogroup status
    check "a user outside the socket's group: exit 77, the bridge says why" exit_is 77 "usermod -aG rental rk-nogroup"
    CODE=0
    OUT=$(RENTALD_SSH_OPTIONS="-F $WORK/ssh_config" RENTALD_REMOTE_RENTALCTL=/nonexistent/rentalctl \
          "$WORK/bin/rentalctl" -H "rk-staff@127.0.0.1:$PORT" status --socket "$SOCKET" 2>"$WORK/stderr") || CODE=$?
    ERR=$(cat "$WORK/stderr")
    check "no rentalctl on the host: exit 69, says to install it" exit_is 69 "install rentalctl there"
    CODE=0
    OUT=$(LANG=ru_RU.UTF-8 RENTALD_SSH_OPTIONS="-F $WORK/ssh_config" RENTALD_REMOTE_RENTALCTL=$WORK/bin/rentalctl \
          "$WORK/bin/rentalctl" -H "rk-staff@127.0.0.1:$PORT" status --socket "$WORK/missing.sock" 2>"$WORK/stderr") || CODE=$?
    ERR=$(cat "$WORK/stderr")
    check "in Russian: the advice and the bridge's message (LANG sent by ssh)" exit_is 69 "на этом сервере нет сокета rentald"
    check "... and rentalctl's own sentence" exit_is 69 "Служба проката недоступна"
    CODE=0
    OUT=$(RENTALD_HOST="-oProxyCommand=touch $WORK/pwned" "$WORK/bin/rentalctl" status 2>"$WORK/stderr") || CODE=$?
    ERR=$(cat "$WORK/stderr")
    check "a host that would be an ssh option is refused: exit 64, nothing run" bash -c '[[ $1 == 64 && ! -e $2 ]]' _ "$CODE" "$WORK/pwned"

    # The daemon kept serving, and logged who came.
    check "rentald is still running" kill -0 "$daemon"

    echo "ssh-test: $PASSED passed, $FAILED failed"
    if [[ $FAILED -gt 0 ]]; then
        echo "--- sshd log (last 30 lines)"
        tail -30 "$WORK/sshd.log"
        echo "FAIL ssh-test: $FAILED of $((PASSED + FAILED)) checks failed"
        exit 1
    fi
    echo "PASS ssh-test: $PASSED checks (rentalctl -H over a real sshd, peer credentials of the ssh users)"
}

if [[ ${1:-} == --inside ]]; then
    inside "$2"
else
    outside
fi
