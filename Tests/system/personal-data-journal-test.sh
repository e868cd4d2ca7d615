#!/usr/bin/env bash
# rentald logging to a REAL systemd-journald at log level debug: no family name, phone or address
# reaches any field of any journal entry.
#
# Usage (as root, after `swift build`):
#     bash Tests/system/personal-data-journal-test.sh
# Environment: SWIFT_SCRATCH_PATH (the build's --scratch-path, when it is not the default .build).
#
# libsystemd always sends to /run/systemd/journal/socket, so the script re-runs
# itself in a private mount namespace (`unshare --mount --propagation private`)
# where /run and /var/log/journal are fresh tmpfs mounts, and starts its own
# journald there. /run is mounted as a whole, so no mount point has to be
# created on the host. When the script ends, journald and rentald are killed and
# the namespace, its mounts and the journal files disappear. The host's mounts,
# journald (if any), /run and /tmp are never touched. systemd is never started
# as PID 1 and systemd-tmpfiles is never run.
#
# rentald logs to the journal when JOURNAL_STREAM is set and the journal's socket
# exists (as under systemd); the script sets it. A short day at the centre is
# driven with curl over the socket: families with distinctive Cyrillic and Latin
# names, phones and addresses are registered, borrow, renew, return damaged, lose
# a unit, are refused in every common way (also with personal data typed where a
# reference, a status or a condition belongs), are searched for; an overdue
# notice is sent and a backup taken. Then `journalctl -o json` is searched,
# every field of every entry, for each name, address and phone (digits only,
# with +7, with 8, formatted). The test also requires rentald's own entries to
# be there (debug request entries and the overdue notice), so that it cannot
# pass on an empty journal. The last line is
# "personal-data-journal-test: N passed, M failed".
set -euo pipefail

SCRIPT=$(realpath "${BASH_SOURCE[0]}")
# shellcheck source=Tests/system/private-journald.sh
source "$(dirname "$SCRIPT")/private-journald.sh"  # isolate_journal, start_journald, JOURNALD

fail() {
    echo "FAIL personal-data-journal-test: $*"
    echo "personal-data-journal-test: 0 passed, 1 failed"
    exit 1
}

outside() {
    [[ $(id -u) == 0 ]] || fail "must run as root (it mounts tmpfs in a private mount namespace)"
    for tool in unshare mount journalctl curl python3 "$JOURNALD"; do
        command -v "$tool" >/dev/null || fail "$tool not found"
    done
    local bin
    cd "$(dirname "$SCRIPT")/../.."
    if [[ -n ${SWIFT_SCRATCH_PATH:-} ]]; then
        bin=$(swift build --show-bin-path --scratch-path "$SWIFT_SCRATCH_PATH")
    else
        bin=$(swift build --show-bin-path)
    fi
    [[ -x $bin/rentald ]] || fail "$bin/rentald not found: run 'swift build' first"
    exec unshare --mount --propagation private -- bash "$SCRIPT" --inside "$bin/rentald"
}

inside() {
    local rentald=$1 work=/run/personal-data-test
    isolate_journal
    mkdir "$work"

    DAEMON_PID=""
    start_journald "$work" || fail "journald did not create its socket"
    trap 'kill "$JOURNALD_PID" $DAEMON_PID 2>/dev/null || true' EXIT
    printf '[daemon]\nlog_level = debug\n' >"$work/rentald.conf"
    JOURNAL_STREAM=0:0 "$rentald" --config "$work/rentald.conf" --demo --state-dir "$work/state" \
        --socket "$work/rentald.sock" >"$work/rentald.stderr" 2>&1 &
    DAEMON_PID=$!
    for _ in $(seq 300); do
        curl -sf --unix-socket "$work/rentald.sock" http://localhost/v1/health >/dev/null 2>&1 && break
        sleep 0.1
    done
    curl -sf --unix-socket "$work/rentald.sock" http://localhost/v1/health >/dev/null || fail "rentald did not start: $(cat "$work/rentald.stderr")"

    # call STATUS METHOD PATH [JSON]: the answer goes to $work/body; a mismatch is recorded, an error
    # body kept for the search.
    call() {
        local expected=$1 method=$2 path=$3 status
        local args=(-s -o "$work/body" -w '%{http_code}' --unix-socket "$work/rentald.sock" -X "$method")
        if [[ $# -ge 4 ]]; then args+=(-H 'content-type: application/json' --data-binary "$4"); fi
        status=$(curl "${args[@]}" "http://localhost$path")
        if [[ $status != "$expected" ]]; then
            echo "$method $path: expected $expected, got $status: $(cat "$work/body")" >>"$work/mismatches"
        fi
        if [[ $status -ge 400 ]]; then
            cat "$work/body" >>"$work/problems"
            echo >>"$work/problems"
        fi
    }
    units() {
        curl -s --unix-socket "$work/rentald.sock" "http://localhost/v1/units?centre=$1&type=$2&status=available&limit=5" |
            python3 -c 'import json, sys; print("\n".join(u["inventoryNumber"] for u in json.load(sys.stdin)["items"]))'
    }
    quote() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
    family() {  # reference surname given-names phone address low-income-until consent child
        python3 -c 'import json, sys
r, s, g, p, a, until, consent, child = sys.argv[1:]
print(json.dumps({"reference": r, "contactSurname": s, "contactGivenNames": g, "phone": p, "address": a,
                  "lowIncomeUntil": until, "consentOn": consent or None,
                  "children": [{"birthDate": child, "expected": False}] if child else []}, ensure_ascii=False))' "$@"
    }
    : >"$work/mismatches"
    : >"$work/problems"

    local future expired baby consent backdated
    future=$(date -u -d '+1 year' +%F)
    expired=$(date -u -d '-10 days' +%F)
    baby=$(date -u -d '-60 days' +%F)
    consent=$(date -u -d '-30 days' +%F)
    backdated=$(date -u -d '-20 days' +%Y-%m-%dT%H:%M:%SZ)

    call 201 POST /v1/families "$(family F-PD-1 Пржевальская 'Анастасия Ильинична' '+7 913 555-01-23' 'г. Омск, ул. Красных Зорь, д. 17, кв. 42' "$future" "$consent" "$baby")"
    call 201 POST /v1/families "$(family F-PD-2 Featherstonehaugh 'Winifred Ottoline' '8 (913) 555-77-66' 'Flat 3, 221B Quillfeather Lane' "$future" "$consent" '')"
    call 201 POST /v1/families "$(family F-PD-3 Ясногорская Мирослава '+79135559988' 'с. Красноярка, ул. Береговая, 5' "$expired" "$consent" "$baby")"
    call 201 POST /v1/families "$(family F-PD-4 Zbigniewska-Quorrell Halszka '+7-913-555-44-11' 'Kholodilnaya St 9, apt 14' "$future" "$consent" "$baby")"
    call 409 POST /v1/families "$(family F-PD-1 Пржевальская 'Анастасия Ильинична' '+7 913 555-01-23' 'г. Омск, ул. Красных Зорь, д. 17, кв. 42' "$future" "$consent" "$baby")"
    call 200 PATCH /v1/families/F-PD-1 '{"phone":"+7 913 555-02-46"}'
    call 200 POST /v1/families/F-PD-4/status '{"status":"suspended"}'

    local cots kettles wardrobes vacuums irons away loan
    mapfile -t cots < <(units ryabinushka cot)
    mapfile -t kettles < <(units ryabinushka kettle)
    mapfile -t wardrobes < <(units ryabinushka wardrobe)
    mapfile -t vacuums < <(units ryabinushka vacuum)
    mapfile -t irons < <(units ryabinushka iron)
    mapfile -t away < <(units isilkul wardrobe)
    [[ ${#cots[@]} -ge 1 && ${#kettles[@]} -ge 1 && ${#wardrobes[@]} -ge 1 && ${#vacuums[@]} -ge 1 && ${#irons[@]} -ge 1 && ${#away[@]} -ge 1 ]] ||
        fail "the demo data has fewer free units than the scenario needs"

    call 201 POST /v1/loans "{\"family\":\"F-PD-1\",\"unit\":\"${cots[0]}\",\"centre\":\"ryabinushka\"}"
    loan=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$work/body")
    call 201 POST /v1/loans "{\"family\":\"F-PD-1\",\"unit\":\"${kettles[0]}\",\"centre\":\"ryabinushka\"}"
    call 200 POST "/v1/loans/$loan/renew"
    call 200 POST /v1/returns "{\"unit\":\"${kettles[0]}\",\"centre\":\"ryabinushka\",\"condition\":\"damaged\",\"note\":\"Пржевальская: не греет\"}"
    call 201 POST /v1/loans "{\"family\":\"F-PD-2\",\"unit\":\"${wardrobes[0]}\",\"centre\":\"ryabinushka\"}"
    local lost
    lost=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$work/body")
    call 200 POST "/v1/loans/$lost/lost" '{"note":"Featherstonehaugh moved to Quillfeather Lane"}'

    # Refusals, and personal data where it does not belong.
    call 409 POST /v1/loans "{\"family\":\"F-PD-4\",\"unit\":\"${vacuums[0]}\",\"centre\":\"ryabinushka\"}"
    call 409 POST /v1/loans "{\"family\":\"F-PD-3\",\"unit\":\"${vacuums[0]}\",\"centre\":\"ryabinushka\"}"
    call 409 POST /v1/loans "{\"family\":\"F-PD-2\",\"unit\":\"${cots[0]}\",\"centre\":\"ryabinushka\"}"
    call 409 POST /v1/loans "{\"family\":\"F-PD-1\",\"unit\":\"${away[0]}\",\"centre\":\"ryabinushka\"}"
    call 404 POST /v1/loans "{\"family\":\"Пржевальская\",\"unit\":\"${vacuums[0]}\",\"centre\":\"ryabinushka\"}"
    call 404 POST /v1/loans "{\"family\":\"89135557766\",\"unit\":\"${vacuums[0]}\",\"centre\":\"ryabinushka\"}"
    call 404 GET "/v1/families/$(quote Featherstonehaugh)"
    call 422 GET "/v1/families/$(quote '+7 913 555-01-23')"
    call 405 GET "/v1/families/$(quote 79135559988)/children"
    call 404 GET "/v1/people/$(quote Zbigniewska-Quorrell)"
    call 422 POST /v1/families/F-PD-2/status '{"status":"8 (913) 555-77-66"}'
    call 422 POST /v1/returns "{\"unit\":\"${cots[0]}\",\"centre\":\"ryabinushka\",\"condition\":\"Ясногорская\"}"
    call 422 POST /v1/families "$(family F-PD-9 Пржевальская '' 'Пржевальская +7 913 555-01-23' 'г. Омск, ул. Красных Зорь, д. 17, кв. 42' "$future" "$consent" '')"
    call 422 PATCH /v1/families/F-PD-1 '{"phone":"Flat 3, 221B Quillfeather Lane"}'

    # Searches, an overdue notice, a backup.
    call 200 GET "/v1/families?q=$(quote пржевал)"
    call 200 GET "/v1/families?q=$(quote 89135557766)"
    call 200 GET "/v1/families?q=$(quote Featherstone)"
    call 200 PUT /v1/rules '{"scope":{"centre":"ryabinushka","itemType":"iron"},"period":{"count":3,"unit":"days"},"renewalsAllowed":0,"renewalPeriod":{"count":3,"unit":"days"},"countOpenDaysOnly":false}'
    call 201 POST /v1/loans "{\"family\":\"F-PD-2\",\"unit\":\"${irons[0]}\",\"centre\":\"ryabinushka\",\"issuedAt\":\"$backdated\"}"
    call 200 POST /v1/notices/scan
    call 409 POST /v1/loans "{\"family\":\"F-PD-2\",\"unit\":\"${vacuums[0]}\",\"centre\":\"ryabinushka\"}"
    call 201 POST /v1/backups '{"name":"personal-data.sqlite"}'

    kill "$DAEMON_PID"
    wait "$DAEMON_PID" || true
    DAEMON_PID=""
    journalctl --sync || fail "journalctl --sync failed"
    journalctl -o json --no-pager >"$work/journal.json" || fail "journalctl -o json failed"
    kill "$JOURNALD_PID"
    wait "$JOURNALD_PID" || true
    trap - EXIT

    python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
people = [
    ("Пржевальская", "Анастасия Ильинична", "+7 913 555-01-23", "г. Омск, ул. Красных Зорь, д. 17, кв. 42"),
    ("Featherstonehaugh", "Winifred Ottoline", "8 (913) 555-77-66", "Flat 3, 221B Quillfeather Lane"),
    ("Ясногорская", "Мирослава", "+79135559988", "с. Красноярка, ул. Береговая, 5"),
    ("Zbigniewska-Quorrell", "Halszka", "+7-913-555-44-11", "Kholodilnaya St 9, apt 14"),
]
def spellings(phone):
    digits = "".join(c for c in phone if c.isdigit())
    national = digits[1:]
    local = national[3:]
    groups = f"{national[:3]} {national[3:6]}-{national[6:8]}-{national[8:]}"
    return [phone, digits, "7" + national, "+7" + national, "8" + national, national, "+7 " + groups, "8 " + groups,
            f"+7 ({national[:3]}) {national[3:6]}-{national[6:8]}-{national[8:]}", local, f"{local[:3]}-{local[3:5]}-{local[5:]}"]
needles = []
for surname, given, phone, address in people:
    needles += [surname, given, address] + given.split() + spellings(phone)
    needles += [part.strip() for part in address.split(",") if len(part.strip()) >= 8]
needles += spellings("+7 913 555-02-46")

def text(value):
    if isinstance(value, list):  # journalctl writes non-UTF-8 or binary values as byte arrays
        return bytes(value).decode("utf-8", "replace")
    return str(value)

entries = [json.loads(line) for line in open(f"{work}/journal.json") if line.strip()]
passed, failed = 0, []
def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failed.append(what)

mismatches = open(f"{work}/mismatches").read().strip()
check(not mismatches, "every call got the expected status:\n" + mismatches)
ours = [e for e in entries if e.get("SYSLOG_IDENTIFIER") == "rentald"]
requests = [e for e in ours if e.get("MESSAGE") == "request" and e.get("PRIORITY") == "7"]
notices = [e for e in ours if e.get("RENTAL_FAMILY") == "F-PD-2" and "RENTAL_STAGE" in e]
check(len(requests) >= 20, f"rentald's debug request entries are in the journal ({len(requests)})")
check(len(notices) == 1, f"the overdue notice for F-PD-2 is in the journal ({len(notices)})")
check(any(e.get("RENTAL_PATH") == "families/F-PD-1" for e in requests), "request entries carry their fields")
leaks = {}
for entry in entries:
    for field, value in entry.items():
        folded = text(value).lower()
        for needle in needles:
            if needle.lower() in folded:
                leaks.setdefault(needle, set()).add(field)
check(not leaks, "no personal data in the journal: " + "; ".join(f"{n} in {sorted(f)}" for n, f in sorted(leaks.items())))
problems = open(f"{work}/problems").read()
found = [n for n in needles if n.lower() in problems.lower()]
check(problems.count("urn:rentalkit:problem:") >= 14 and not found, f"no personal data in the problem bodies: {found}")
stderr = open(f"{work}/rentald.stderr").read()
check(not [n for n in needles if n.lower() in stderr.lower()], "no personal data on rentald's stderr")
print(f"journal: {len(entries)} entries, {len(ours)} from rentald ({len(requests)} debug request entries, {len(notices)} notice for F-PD-2); "
      f"{len(needles)} strings searched in every field; {problems.count('urn:rentalkit:problem:')} problem bodies")
for what in failed:
    print("FAIL:", what)
print(f"personal-data-journal-test: {passed} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
PY
}

if [[ ${1:-} == --inside ]]; then
    inside "$2"
else
    outside
fi
