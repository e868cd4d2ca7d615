#!/usr/bin/env bash
# rentald on a full disk: writes are refused with 507 storage_full, reads go on, the daemon stays up,
# and once space is freed the same writes succeed without a restart; the store stays whole.
#
# Usage (as root, after building): bash Tests/system/disk-full-test.sh
# Environment: RENTALD (the rentald binary; default: `swift build --show-bin-path`/rentald, with
# --scratch-path $SWIFT_SCRATCH_PATH when that is set); rentalctl is taken from the same directory.
#
# Like journal-test.sh, the script re-runs itself in a private mount namespace (`unshare --mount
# --propagation private`) and mounts a fresh tmpfs over /run there, so nothing it mounts or writes is
# seen by the host; the host's /run, /tmp and mounts are never touched. Inside, the daemon's state
# directory is, in turn:
#   - a 24 MB tmpfs;
#   - a 24 MB ext4 file system in a file on that /run (mkfs.ext4 -m 0, mount -o loop; the loop device is
#     released when it is unmounted, or when the namespace ends). Skipped, and said so, when loop
#     devices are unavailable.
# On each, with one `rentald --demo` that is never restarted until the end:
#   1. fill the file system (fallocate, then dd to the last block) while the WAL file still holds space
#      from earlier writes: writes go on into that space until it is used up, then every write gets 507
#      storage_full (never anything else, never a success in between); free the space: writes resume;
#   2. checkpoint and truncate the WAL (from another process), fill again: checkouts (one by one, and
#      eight at once so that the group commit batches them), a return, a renewal and family
#      registrations get 507 storage_full from the first one and leave nothing behind; reads and the
#      daemon go on; free the space: the refused requests, repeated (checkouts with their
#      Idempotency-Key), succeed;
# then verify the audit chain (rentalctl audit verify), stop the daemon (SIGTERM), run PRAGMA
# integrity_check, compare the file with what was acknowledged and refused, and start the daemon again
# on the same store.
#
# Every check prints a PASS or FAIL line; the last line starts PASS when all passed, else FAIL.
set -euo pipefail

SCRIPT=$(realpath "${BASH_SOURCE[0]}")
SIZE_MB=24

die() {
    echo "FAIL disk-full-test: $*"
    exit 1
}

outside() {
    [[ $(id -u) == 0 ]] || die "must run as root (it mounts file systems in a private mount namespace)"
    for tool in unshare mount umount curl python3 fallocate dd mkfs.ext4; do
        command -v "$tool" >/dev/null || die "$tool not found"
    done
    local rentald=${RENTALD:-}
    if [[ -z $rentald ]]; then
        cd "$(dirname "$SCRIPT")/../.."
        local bin
        if [[ -n ${SWIFT_SCRATCH_PATH:-} ]]; then
            bin=$(swift build --show-bin-path --scratch-path "$SWIFT_SCRATCH_PATH")
        else
            bin=$(swift build --show-bin-path)
        fi
        rentald=$bin/rentald
    fi
    [[ -x $rentald ]] || die "$rentald not found: build first, or set RENTALD"
    exec unshare --mount --propagation private -- bash "$SCRIPT" --inside "$(realpath "$rentald")"
}

PASSED=0
FAILED=0
check() {  # check DESCRIPTION COMMAND...: runs the command; PASS or FAIL with the description
    local what=$1
    shift
    if "$@"; then
        PASSED=$((PASSED + 1))
        echo "PASS disk-full-test [$FS]: $what"
    else
        FAILED=$((FAILED + 1))
        echo "FAIL disk-full-test [$FS]: $what"
    fi
}

# request METHOD PATH [JSON] [IDEMPOTENCY-KEY]: sets STATUS (000 when it could not connect) and BODY.
request() {
    local method=$1 path=$2 json=${3:-} key=${4:-}
    local args=(-s -o "$WORK/body" -w '%{http_code}' --max-time 30 --unix-socket "$SOCKET" -X "$method")
    [[ -n $json ]] && args+=(-H 'content-type: application/json' --data-binary "$json")
    [[ -n $key ]] && args+=(-H "Idempotency-Key: $key")
    rm -f "$WORK/body"
    STATUS=$(curl "${args[@]}" "http://localhost$path") || STATUS=000
    BODY=$(cat "$WORK/body" 2>/dev/null || true)
    echo "$method $path -> $STATUS" >>"$WORK/requests.log"
}

# json EXPRESSION: evaluates a Python expression over the parsed BODY (as `d`) and prints it.
json() {
    python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$BODY" "$1"
}

problem_is() {  # problem_is STATUS CODE: the last answer was that status with a problem body of that code
    if [[ $STATUS == "$1" && $(json 'd.get("code")' 2>/dev/null) == "$2" ]]; then return 0; fi
    echo "    got $STATUS ${BODY:0:300}"
    return 1
}

answer_ok() {  # answer_ok PYTHON-EXPRESSION: the last answer was 200 and the expression holds for its body `d`
    answer_ok_as 200 "$1"
}

answer_ok_as() {  # answer_ok_as STATUS PYTHON-EXPRESSION
    if [[ $STATUS == "$1" && $(json "bool($2)" 2>/dev/null) == True ]]; then return 0; fi
    echo "    got $STATUS ${BODY:0:300}"
    return 1
}

no_personal_data() {  # no_personal_data FILE...: none of the test families' personal data appears
    ! grep -q -e Дискова -e "Анна Петровна" -e "555-" -e "ул. Полная" "$@"
}

no_failed_answers() {  # no request got a 500 or failed to connect
    ! grep -E -q -- "-> (000|500)$" "$WORK/requests.log"
}

status_is() {
    [[ $STATUS == "$1" ]] || { echo "    got $STATUS ${BODY:0:300}"; return 1; }
}

audit_verified() {  # rentalctl audit verify against the daemon: exit 0 when the chain is intact
    local output status=0
    output=$(RENTALD_SOCKET=$SOCKET "$RENTALCTL" audit verify 2>&1) || status=$?
    echo "    rentalctl audit verify: $output"
    return "$status"
}

daemon_alive() {
    kill -0 "$DAEMON_PID" 2>/dev/null
}

start_daemon() {
    "$RENTALD" "$@" --state-dir "$STATE" --socket "$SOCKET" --config "$WORK/rentald.conf" >>"$WORK/rentald-$FS.log" 2>&1 &
    DAEMON_PID=$!
    for _ in $(seq 600); do
        curl -sf --max-time 5 --unix-socket "$SOCKET" http://localhost/v1/health >/dev/null 2>&1 && return 0
        daemon_alive || break
        sleep 0.1
    done
    cat "$WORK/rentald-$FS.log"
    die "rentald did not start on $FS"
}

stop_daemon() {  # SIGTERM; sets STOP_STATUS
    kill -TERM "$DAEMON_PID"
    STOP_STATUS=0
    wait "$DAEMON_PID" || STOP_STATUS=$?
    DAEMON_PID=""
}

# burst: eight checkouts at once (families F-DF-15…22, units 11…18, Idempotency-Key df-burst-N), so that
# the daemon's group commit batches them; sets BURST to their statuses and BURST_IDS to the loan ids of
# the acknowledged ones ("id unit family" lines in BURST_LOANS).
burst() {
    local j unit centre pids=()
    for j in $(seq 0 7); do
        read -r unit centre <<<"${units[$((11 + j))]}"
        curl -s -o "$WORK/burst-$j.body" -w '%{http_code}' --max-time 30 --unix-socket "$SOCKET" \
            -H 'content-type: application/json' -H "Idempotency-Key: df-burst-$j" \
            --data-binary "{\"family\":\"F-DF-$((15 + j))\",\"unit\":\"$unit\",\"centre\":\"$centre\"}" \
            http://localhost/v1/loans >"$WORK/burst-$j.status" &
        pids+=("$!")
    done
    for j in "${pids[@]}"; do wait "$j" || true; done
    BURST=""
    BURST_LOANS=()
    for j in $(seq 0 7); do
        STATUS=$(cat "$WORK/burst-$j.status" 2>/dev/null || echo 000)
        BODY=$(cat "$WORK/burst-$j.body" 2>/dev/null || true)
        echo "POST /v1/loans (burst) -> $STATUS" >>"$WORK/requests.log"
        if [[ $STATUS == 507 ]]; then
            BURST+="507:$(json 'd.get("code")' 2>/dev/null) "
        else
            BURST+="$STATUS "
        fi
        if [[ $STATUS == 201 ]]; then
            BURST_LOANS+=("$(json 'd["id"]') ${units[$((11 + j))]%% *} F-DF-$((15 + j))")
        fi
    done
    BURST=${BURST% }
}

burst_is() {  # burst_is ANSWER: every answer of the last burst was ANSWER
    local expected
    expected=$(for _ in 1 2 3 4 5 6 7 8; do printf '%s ' "$1"; done)
    [[ $BURST == "${expected% }" ]] || { echo "    got $BURST"; return 1; }
}

family_json() {  # family_json REFERENCE N
    printf '{"reference":"%s","contactSurname":"Дискова","contactGivenNames":"Анна Петровна","phone":"+7 900 555-%02d-%02d","address":"ул. Полная, д. %d","lowIncomeUntil":"%s","consentOn":"%s","children":[]}' \
        "$1" "$2" "$2" "$2" "$(date -u -d '+365 days' +%F)" "$(date -u -d '-1 day' +%F)"
}

free_bytes() {
    df --output=avail -B1 "$STATE" | tail -n 1 | tr -d ' '
}

# Fills the file system: one fallocate of what df reports, then dd until the last block is taken.
fill() {
    local avail
    avail=$(free_bytes)
    fallocate -l "$((avail > 65536 ? avail - 65536 : 0))" "$STATE/filler" 2>/dev/null || true
    dd if=/dev/zero of="$STATE/filler-rest" bs=4096 status=none 2>/dev/null || true
    dd if=/dev/zero of="$STATE/filler-last" bs=512 status=none 2>/dev/null || true
    sync -f "$STATE/filler-last" 2>/dev/null || true
}

scenario() {
    local i unit centre key refused_loans=() acknowledged=() units=()
    mkdir -p "$STATE"
    chmod 0700 "$STATE"
    : >"$WORK/requests.log"

    start_daemon --demo
    # Available units that need no child and have had their safety check: "inventory centre" lines.
    request GET "/v1/units?status=available&limit=1000"
    mapfile -t units < <(json '"\n".join(u["inventoryNumber"] + " " + u["currentCentre"] for u in d["items"] if u["itemType"] in ("wardrobe", "ironing-board", "kettle", "microwave", "iron", "vacuum"))')
    check "the demo store has enough free units (${#units[@]})" test "${#units[@]}" -ge 20

    # Before: twenty families of our own (F-DF-13 and 14 come later), four checkouts acknowledged.
    local families_ok=0
    for i in $(seq 1 12) $(seq 15 22); do
        request POST /v1/families "$(family_json "F-DF-$i" "$i")"
        [[ $STATUS == 201 ]] && families_ok=$((families_ok + 1))
    done
    check "20 families registered before the disk fills" test "$families_ok" -eq 20
    for i in 1 2 3 4; do
        read -r unit centre <<<"${units[$i]}"
        request POST /v1/loans "{\"family\":\"F-DF-$i\",\"unit\":\"$unit\",\"centre\":\"$centre\"}" "df-before-$i"
        [[ $STATUS == 201 ]] && acknowledged+=("$(json 'd["id"]') $unit F-DF-$i")
    done
    check "4 checkouts acknowledged before the disk fills" test "${#acknowledged[@]}" -eq 4

    # 1. Full, but the WAL file still holds space from earlier writes (the demo data left it at about
    #    4 MB): writes go on into that space, durably, until it is used up; from then on every write
    #    gets 507 storage_full, until space is freed. F-DF-12 is suspended and reinstated in turn.
    fill
    local left attempts=0 written=0 refusals=0 late=0 others=0 family_status=active next
    left=$(free_bytes)
    check "the file system is full ($left bytes free)" test "$left" -lt 65536
    while ((attempts < 2000 && refusals < 6)); do
        attempts=$((attempts + 1))
        next=suspended
        [[ $family_status == suspended ]] && next=active
        request POST /v1/families/F-DF-12/status "{\"status\":\"$next\"}"
        case $STATUS in
            200)
                family_status=$next
                if ((refusals == 0)); then written=$((written + 1)); else late=$((late + 1)); fi
                ;;
            507)
                if [[ $(json 'd.get("code")') == storage_full ]]; then refusals=$((refusals + 1)); else others=$((others + 1)); fi
                ;;
            *) others=$((others + 1)) ;;
        esac
    done
    echo "    full disk, WAL with room: $written writes acknowledged, then refused ($attempts attempts)"
    check "full disk, WAL with room: $written writes acknowledged, then 507 storage_full; nothing else" \
        test "$refusals" -ge 1 -a "$others" -eq 0
    check "once refused, refused again: $((refusals - 1)) more 507, $late acknowledged after the first" \
        test "$refusals" -ge 6 -a "$late" -eq 0
    check "the daemon is still running after its WAL ran out of space" daemon_alive
    rm -f "$STATE/filler" "$STATE/filler-rest" "$STATE/filler-last"
    next=suspended
    [[ $family_status == suspended ]] && next=active
    request POST /v1/families/F-DF-12/status "{\"status\":\"$next\"}"
    check "space freed: the next write succeeds, without a restart" status_is 200
    [[ $STATUS == 200 ]] && family_status=$next

    # 2. Full, and the WAL holds no spare space: the WAL is checkpointed and truncated from another
    #    process (SQLite allows it), then the disk filled, so that every write needs a new block and is
    #    refused from the first one.
    check "the WAL is checkpointed and truncated" python3 - "$STATE/rental.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
db.close()
sys.exit(1 if busy else 0)
PY
    fill
    left=$(free_bytes)
    check "the file system is full ($left bytes free)" test "$left" -lt 65536

    # Full: every write is refused with 507 storage_full; nothing of it remains.
    for i in 5 6 7; do
        read -r unit centre <<<"${units[$i]}"
        request POST /v1/loans "{\"family\":\"F-DF-$i\",\"unit\":\"$unit\",\"centre\":\"$centre\"}" "df-full-$i"
        check "checkout $i on a full disk: 507 storage_full" problem_is 507 storage_full
        refused_loans+=("$unit F-DF-$i $centre df-full-$i")
    done
    burst
    check "8 checkouts at once on a full disk: all 507 storage_full" burst_is 507:storage_full
    check "the problem says what happened and names no person" \
        answer_ok_as 507 '"disk holding the store is full" in d["detail"] and "Дискова" not in str(d) and "555-" not in str(d)'
    read -r unit centre <<<"${units[1]}"
    request POST /v1/returns "{\"unit\":\"$unit\",\"centre\":\"$centre\",\"condition\":\"good\"}"
    check "a return on a full disk: 507 storage_full" problem_is 507 storage_full
    for i in 13 14; do
        request POST /v1/families "$(family_json "F-DF-$i" "$i")"
        check "family registration F-DF-$i on a full disk: 507 storage_full" problem_is 507 storage_full
    done
    request POST "/v1/loans/$(cut -d' ' -f1 <<<"${acknowledged[1]}")/renew"
    check "a renewal on a full disk: 507 storage_full" problem_is 507 storage_full

    # Reads go on, and the daemon with them.
    request GET /v1/health
    check "health answers 200 on a full disk" status_is 200
    request GET "/v1/loans?family=F-DF-1"
    check "the acknowledged loan of F-DF-1 reads back, open" answer_ok '[l["state"] for l in d["items"]] == ["open"]'
    request GET "/v1/loans?family=F-DF-5&state=all"
    check "the refused checkout left no loan" answer_ok 'd["items"] == []'
    request GET "/v1/loans?state=all&limit=1000"
    check "the refused checkouts at once left no loan" \
        answer_ok 'not [l for l in d["items"] if l["family"] in {f"F-DF-{n}" for n in range(5, 8)} | {f"F-DF-{n}" for n in range(15, 23)}]'
    request GET "/v1/units?status=available&limit=1000"
    local refused_units
    refused_units=$(printf '"%s",' "${refused_loans[@]%% *}")
    check "units of refused checkouts are still available" \
        answer_ok "{${refused_units%,}} <= {u['inventoryNumber'] for u in d['items']}"
    request GET /v1/stock
    check "stock answers 200 on a full disk" status_is 200
    request GET /v1/audit/verify
    check "the audit chain verifies on a full disk" answer_ok 'd.get("firstBroken") is None and d["checked"] > 0'
    check "the daemon is still running on a full disk" daemon_alive

    # Space again: the same requests succeed, without a restart.
    rm -f "$STATE/filler" "$STATE/filler-rest" "$STATE/filler-last"
    for i in 13 14; do
        request POST /v1/families "$(family_json "F-DF-$i" "$i")"
        check "family registration F-DF-$i after freeing space: 201" status_is 201
    done
    read -r unit _ centre key <<<"${refused_loans[0]}"
    request POST /v1/loans "{\"family\":\"F-DF-5\",\"unit\":\"$unit\",\"centre\":\"$centre\"}" "$key"
    check "the refused checkout, repeated with its Idempotency-Key after freeing space: 201" status_is 201
    [[ $STATUS == 201 ]] && acknowledged+=("$(json 'd["id"]') $unit F-DF-5")
    refused_loans=("${refused_loans[@]:1}")
    for i in 8 9 10; do
        read -r unit centre <<<"${units[$i]}"
        request POST /v1/loans "{\"family\":\"F-DF-$i\",\"unit\":\"$unit\",\"centre\":\"$centre\"}" "df-after-$i"
        check "checkout $i after freeing space: 201" status_is 201
        [[ $STATUS == 201 ]] && acknowledged+=("$(json 'd["id"]') $unit F-DF-$i")
    done
    burst
    check "the 8 refused checkouts at once, repeated with their keys: all 201" burst_is 201
    acknowledged+=("${BURST_LOANS[@]}")
    read -r unit centre <<<"${units[1]}"
    request POST /v1/returns "{\"unit\":\"$unit\",\"centre\":\"$centre\",\"condition\":\"good\"}"
    check "the refused return, repeated: 200" status_is 200
    if [[ -x $RENTALCTL ]]; then
        check "rentalctl audit verify: the chain is intact" audit_verified
    else
        request GET /v1/audit/verify
        check "GET /v1/audit/verify: the chain is intact" answer_ok 'd.get("firstBroken") is None'
    fi
    check "no answer was a 500 or a connection failure" no_failed_answers

    stop_daemon
    check "rentald stopped cleanly on SIGTERM (exit $STOP_STATUS)" test "$STOP_STATUS" -eq 0
    check "the daemon's log names no person" no_personal_data "$WORK/rentald-$FS.log"

    # The file itself: whole, every acknowledged loan there, nothing of the refused ones.
    local report
    if report=$(FAMILY_STATUS=$family_status python3 - "$STATE/rental.sqlite" "${#acknowledged[@]}" "${acknowledged[@]}" "${refused_loans[@]}" <<'PY'
import os, sqlite3, sys
path, count = sys.argv[1], int(sys.argv[2])
acknowledged = [line.split() for line in sys.argv[3:3 + count]]
refused = [line.split() for line in sys.argv[3 + count:]]
db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
problems = []
integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
if integrity != ["ok"]:
    problems.append(f"integrity_check: {integrity[:5]}")
for loan_id, unit, family in acknowledged:
    row = db.execute("""SELECT u.inventory_number, f.reference FROM loan l JOIN unit u ON u.id = l.unit_id
                        JOIN family f ON f.id = l.family_id WHERE l.id = ?""", (int(loan_id),)).fetchone()
    if row != (unit, family):
        problems.append(f"acknowledged loan {loan_id} ({unit}, {family}): found {row}")
for unit, family, _centre, key in refused:
    n = db.execute("""SELECT count(*) FROM loan l JOIN unit u ON u.id = l.unit_id JOIN family f ON f.id = l.family_id
                      WHERE u.inventory_number = ? OR f.reference = ? OR l.request_key = ?""", (unit, family, key)).fetchone()[0]
    if n:
        problems.append(f"refused checkout of {unit} for {family}: {n} loans stored")
    status = db.execute("SELECT status FROM unit WHERE inventory_number = ?", (unit,)).fetchone()
    if status != ("available",):
        problems.append(f"unit {unit} of a refused checkout is {status}")
status = db.execute("SELECT status FROM family WHERE reference = 'F-DF-12'").fetchone()
if status != (os.environ["FAMILY_STATUS"],):
    problems.append(f"F-DF-12 is {status}, last acknowledged {os.environ['FAMILY_STATUS']}")
families = db.execute("SELECT count(*) FROM family WHERE reference LIKE 'F-DF-%'").fetchone()[0]
if families != 22:
    problems.append(f"{families} F-DF families stored, expected 22")
loans = {row[0] for row in db.execute("SELECT id FROM loan")}
events = {int(row[0]) for row in db.execute("SELECT entity_key FROM audit_event WHERE action LIKE 'loan.checkout%'")}
if loans != events:
    problems.append(f"loans without checkout event: {sorted(loans - events)[:5]}, events without loan: {sorted(events - loans)[:5]}")
print("; ".join(problems) if problems else f"integrity ok, {len(acknowledged)} acknowledged loans present, {len(refused)} refused absent, {len(loans)} loans = checkout events, last acknowledged family status kept")
sys.exit(1 if problems else 0)
PY
    ); then
        check "store file: $report" true
    else
        check "store file: $report" false
    fi

    # The daemon opens the store again (quick_check at open) and the chain still holds.
    start_daemon
    request GET "/v1/loans?family=F-DF-8"
    check "after a restart the loans read back" answer_ok '[l["family"] for l in d["items"]] == ["F-DF-8"]'
    if [[ -x $RENTALCTL ]]; then
        check "after a restart rentalctl audit verify: the chain is intact" audit_verified
    fi
    stop_daemon
    check "rentald stopped cleanly again (exit $STOP_STATUS)" test "$STOP_STATUS" -eq 0
}

inside() {
    RENTALD=$1
    RENTALCTL=$(dirname "$RENTALD")/rentalctl
    # A private /run for everything the test writes (this namespace only; the host's /run is untouched).
    mount -t tmpfs -o mode=0755 tmpfs /run
    WORK=/run/disk-full-test
    mkdir "$WORK"
    DAEMON_PID=""
    trap 'if [[ -n $DAEMON_PID ]]; then kill -KILL "$DAEMON_PID" 2>/dev/null || true; fi; umount "$WORK/ext4" 2>/dev/null || true' EXIT
    printf '[notices]\nenabled = no\n' >"$WORK/rentald.conf"
    SOCKET=$WORK/rentald.sock

    FS=tmpfs
    STATE=$WORK/tmpfs
    mkdir "$STATE"
    mount -t tmpfs -o "size=${SIZE_MB}m,mode=0700" tmpfs "$STATE"
    scenario
    umount "$STATE"
    local tested="a ${SIZE_MB} MB tmpfs"

    FS=ext4
    STATE=$WORK/ext4
    mkdir "$STATE"
    truncate -s "${SIZE_MB}M" "$WORK/ext4.img"
    mkfs.ext4 -q -F -m 0 "$WORK/ext4.img"
    if mount -o loop "$WORK/ext4.img" "$STATE" 2>"$WORK/loop.err"; then
        scenario
        umount "$STATE"
        tested+=" and a ${SIZE_MB} MB loop-mounted ext4"
    else
        echo "SKIP disk-full-test [ext4]: cannot loop-mount an ext4 image here ($(cat "$WORK/loop.err")); tmpfs only"
    fi

    if [[ $FAILED -eq 0 ]]; then
        echo "PASS disk-full-test: $PASSED checks passed on $tested"
    else
        echo "FAIL disk-full-test: $FAILED of $((PASSED + FAILED)) checks failed"
        exit 1
    fi
}

if [[ ${1:-} == --inside ]]; then
    inside "$2"
else
    outside
fi
