#!/usr/bin/env bash
# rentald's overdue notices against a REAL systemd-journald, read back with `journalctl -o json`.
#
# Usage (as root, after `swift build`): bash Tests/system/notices-journal-test.sh
#
# Like journal-test.sh, it re-runs itself in a private mount namespace with fresh tmpfs over /run and
# /var/log/journal, starts its own journald there, and never touches the host's journal, /run or /tmp.
# Checks: every overdue loan of the demo data gets exactly one notice entry with all its fields; one
# summary entry per centre; a hold made through the API gets one hold-ready entry; a second scan and a daemon restart add no entry; no family name, phone or
# address appears anywhere in the journal. The last line is "notices-journal-test: N passed, M failed".
set -euo pipefail

SCRIPT=$(realpath "${BASH_SOURCE[0]}")
# shellcheck source=Tests/system/private-journald.sh
source "$(dirname "$SCRIPT")/private-journald.sh"  # isolate_journal, start_journald, JOURNALD
BULK=${NOTICES_BULK:-20000}

fail() {
    echo "FAIL notices-journal-test: $*"
    echo "notices-journal-test: 0 passed, 1 failed"
    exit 1
}

outside() {
    [[ $(id -u) == 0 ]] || fail "must run as root"
    cd "$(dirname "$SCRIPT")/../.."
    local bin
    bin="$(swift build --show-bin-path)"
    [[ -x $bin/rentald ]] || fail "$bin/rentald not found: run 'swift build' first"
    exec unshare --mount --propagation private -- bash "$SCRIPT" --inside "$bin/rentald"
}

inside() {
    local rentald=$1 work
    isolate_journal
    work=/run/notices-test
    mkdir "$work"
    DAEMON_PID=""
    start_journald "$work" || fail "journald did not start"
    trap 'kill $JOURNALD_PID $DAEMON_PID 2>/dev/null || true' EXIT

    start_daemon() {
        "$rentald" "$@" --state-dir "$work/state" --socket "$work/rentald.sock" >>"$work/rentald.log" 2>&1 &
        DAEMON_PID=$!
        for _ in $(seq 200); do
            curl -sf --unix-socket "$work/rentald.sock" http://localhost/v1/health >/dev/null 2>&1 && return 0
            sleep 0.1
        done
        fail "rentald did not start: $(cat "$work/rentald.log")"
    }
    api() { curl -sf --unix-socket "$work/rentald.sock" "http://localhost$1" "${@:2}"; }

    start_daemon --demo
    # The start-up scan runs in the background: wait until a manual scan finds nothing left to send.
    for _ in $(seq 100); do
        [[ $(api /v1/notices/scan -X POST 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(sum(v.values()) for v in d["sent"].values()))' 2>/dev/null) == 0 ]] && break
        sleep 0.2
    done
    api "/v1/loans?overdue=true&limit=1000" >"$work/overdue.json"
    api "/v1/notices?limit=1000" >"$work/notices.json"
    api "/v1/families?q=%D0%BE%D0%B2%D0%B0&limit=500" >"$work/families.json"   # «ова»: most invented surnames
    # A hold: a family reserves the item type of a unit on loan, the unit comes back and is held for it; the
    # hold-ready notice is queued in the return's transaction and sent by the daemon (at the latest when it
    # next starts, below).
    python3 - "$work" <<'PY' || fail "could not make a hold: $(cat "$work/hold.err" 2>/dev/null)"
import http.client, json, socket, sys
work = sys.argv[1]
class Unix(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX); self.sock.connect(f"{work}/rentald.sock")
def call(method, path, body=None):
    connection = Unix("localhost")
    connection.request(method, path, body=json.dumps(body) if body else None, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, json.loads(response.read() or b"null")
_, loans = call("GET", "/v1/loans?limit=1000")
families = [f["reference"] for f in json.load(open(f"{work}/families.json"))["items"]]
holds = []  # a reservation met by a free unit is held at once; one that waits is held by the return
for loan in loans["items"]:
    for family in families:
        if family == loan["family"]: continue
        status, reservation = call("POST", "/v1/reservations", {"family": family, "itemType": loan["itemType"], "centre": loan["centre"]})
        if status != 201: continue
        if reservation["state"] == "held":
            holds.append({"reservation": reservation["id"], "unit": reservation["heldUnit"], "centre": loan["centre"], "by": "reserve"})
            continue
        status, receipt = call("POST", "/v1/returns", {"unit": loan["inventoryNumber"], "centre": loan["centre"], "condition": "good"})
        if status == 200 and receipt.get("heldFor"):
            holds.append({"reservation": receipt["heldFor"], "unit": loan["inventoryNumber"], "centre": loan["centre"], "by": "return"})
            json.dump(holds, open(f"{work}/holds.json", "w"))
            sys.exit(0)
        break
open(f"{work}/hold.err", "w").write(f"no return held a unit ({len(holds)} holds at reservation)")
sys.exit(1)
PY
    journalctl --sync
    journalctl -o json --no-pager >"$work/journal-1.json"

    kill "$DAEMON_PID"; wait "$DAEMON_PID" || true
    start_daemon
    api /v1/notices/scan -X POST >/dev/null || true
    sleep 1
    journalctl --sync
    journalctl -o json --no-pager >"$work/journal-2.json"
    kill "$DAEMON_PID"; wait "$DAEMON_PID" || true

    # A backlog: BULK loans 45 days overdue, written straight into the stopped daemon's store, then a
    # start-up scan that must hand every one of them to the journal (paced) with nothing dropped.
    python3 - "$work/state/rental.sqlite" "$BULK" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
centre = db.execute("SELECT id FROM centre WHERE code = 'ryabinushka'").fetchone()[0]
db.execute("INSERT INTO item_type (code, name, category, sanitise_after_return) VALUES ('bulk-iron', 'Утюг', 'appliance', 0)")
kind = db.execute("SELECT id FROM item_type WHERE code = 'bulk-iron'").fetchone()[0]
now = int(time.time() * 1000); issued = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 60 * 86400))
due = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 45 * 86400))
for i in range(n):
    db.execute("INSERT INTO unit (inventory_number, item_type_id, home_centre_id, current_centre_id, status, condition) VALUES (?, ?, ?, ?, 'on_loan', 'good')",
               (f"BULK-{i}", kind, centre, centre))
    unit = db.execute("SELECT last_insert_rowid()").fetchone()[0]
    db.execute("INSERT INTO family (reference, contact_surname, contact_given_names, surname_folded, phone, phone_digits, address, low_income_until, consent_on, status) VALUES (?, 'Массова', '', 'массова', '+7 900 555-00-00', '79005550000', '', '2030-01-01', '2026-01-01', 'active')",
               (f"B-{i}",))
    family = db.execute("SELECT last_insert_rowid()").fetchone()[0]
    db.execute("INSERT INTO loan (unit_id, family_id, centre_id, issued_by, issued_at, issued_on, due_date) VALUES (?, ?, ?, 'import', ?, ?, ?)",
               (unit, family, centre, now, issued, due))
db.commit()
PY
    local started ended
    started=$(date +%s%N)
    start_daemon
    for _ in $(seq 600); do
        [[ $(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM notice n JOIN loan l ON l.id = n.loan_id WHERE l.issued_by = '"'"'import'"'"' AND n.sent = 1").fetchone()[0])' "$work/state/rental.sqlite") == "$BULK" ]] && break
        sleep 0.2
    done
    ended=$(date +%s%N)
    journalctl --sync
    journalctl -o json --no-pager RENTAL_STAGE=final >"$work/journal-3.json"
    BULK_MS=$(( (ended - started) / 1000000 ))
    kill "$DAEMON_PID"; wait "$DAEMON_PID" || true
    DAEMON_PID=""

    python3 - "$work" "$BULK" "$BULK_MS" <<'PY'
import json, sys
work = sys.argv[1]
def entries(name):
    return [json.loads(line) for line in open(f"{work}/{name}") if line.strip()]
stage_ids = {"eb348fb1791244c1aa081dc1ec9c043b": "due-soon", "91aaadd49aff4652b449a0f36413f98a": "overdue",
             "8532b5ff4882495693a6d4c68d732627": "escalated", "b8361879cade491d9fd5c2c0b6f330e2": "final"}
summary_id = "b5d7c7e3c45f4a7e8c8d0f0f6a2d9e11"
first, second = entries("journal-1.json"), entries("journal-2.json")
bulk_entries = [e for e in entries("journal-3.json") if e.get("RENTAL_FAMILY", "").startswith("B-")]
bulk, bulk_ms = int(sys.argv[2]), int(sys.argv[3])
overdue = json.load(open(f"{work}/overdue.json"))["items"]
stored = json.load(open(f"{work}/notices.json"))["items"]
families = json.load(open(f"{work}/families.json"))["items"]
passed, failed = 0, []
def check(ok, what):
    global passed
    if ok: passed += 1
    else: failed.append(what)

notices = [e for e in first if e.get("MESSAGE_ID") in stage_ids]
fields = ["MESSAGE", "PRIORITY", "RENTAL_LOAN", "RENTAL_CENTRE", "RENTAL_UNIT", "RENTAL_ITEM_TYPE", "RENTAL_FAMILY",
          "RENTAL_DUE_DATE", "RENTAL_DAYS_OVERDUE", "RENTAL_STAGE"]
check(all(all(f in e for f in fields) for e in notices), "every notice entry has every field")
check(all(stage_ids[e["MESSAGE_ID"]] == e["RENTAL_STAGE"] for e in notices), "MESSAGE_ID matches the stage")
overdue_entries = [e for e in notices if int(e["RENTAL_DAYS_OVERDUE"]) > 0]
check(sorted(int(e["RENTAL_LOAN"]) for e in overdue_entries) == sorted(l["id"] for l in overdue),
      f"one entry per overdue loan ({len(overdue_entries)} entries, {len(overdue)} overdue loans)")
check(len(notices) == len(stored), f"journal entries ({len(notices)}) = stored notices ({len(stored)})")
by_loan = {l["id"]: l for l in overdue}
check(all(e["RENTAL_FAMILY"] == by_loan[int(e["RENTAL_LOAN"])]["family"] and e["RENTAL_UNIT"] == by_loan[int(e["RENTAL_LOAN"])]["inventoryNumber"]
          for e in overdue_entries), "fields match the loans")
centres = {e["RENTAL_CENTRE"] for e in notices}
summaries = [e for e in first if e.get("MESSAGE_ID") == summary_id]
check({e["RENTAL_CENTRE"] for e in summaries} == centres, "one summary entry per centre with notices")
again = [e for e in second if e.get("MESSAGE_ID") in stage_ids]
check(len(again) == len(notices), f"restart and rescan sent nothing new ({len(again) - len(notices)} extra)")
text = "\n".join(json.dumps(e, ensure_ascii=False) for e in second)
leaks = [v for f in families for v in (f["contactSurname"], f["phone"], f["address"]) if v and v in text]
check(len(families) > 10 and not leaks, f"no personal data in the journal ({len(leaks)} found)")
holds = json.load(open(f"{work}/holds.json"))
held = [e for e in second if e.get("MESSAGE_ID") == "0fa488a3520845f8885fa34a3b3d8563"]
for hold in holds:
    mine = [e for e in held if e.get("RENTAL_RESERVATION") == str(hold["reservation"])]
    check(len(mine) == 1 and mine[0].get("RENTAL_UNIT") == hold["unit"] and mine[0].get("RENTAL_CENTRE") == hold["centre"]
          and mine[0].get("RENTAL_NOTICE") == "hold-ready" and mine[0].get("RENTAL_PICKUP_BY")
          and mine[0].get("RENTAL_FAMILY") and mine[0].get("PRIORITY") == "5",
          f"one hold-ready entry with its fields for the hold made by {hold['by']} ({len(mine)} found)")
check(len(held) == len(holds), f"hold-ready entries ({len(held)}) = holds made ({len(holds)})")
check(len(bulk_entries) == bulk and len({e["RENTAL_LOAN"] for e in bulk_entries}) == bulk,
      f"backlog: {len(bulk_entries)} of {bulk} notices stored by journald")
check("Массова" not in "\n".join(json.dumps(e, ensure_ascii=False) for e in bulk_entries), "backlog entries carry no names")
print(f"backlog: {len(bulk_entries)}/{bulk} final-stage notices in the journal; scan and sending took {bulk_ms} ms")
print(f"notices: {len(notices)} entries ({len(overdue_entries)} overdue), {len(summaries)} summaries; checked against {len(families)} families")
for what in failed: print("FAIL:", what)
print(f"notices-journal-test: {passed} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
PY
}

if [[ ${1:-} == --inside ]]; then
    inside "$2"
else
    outside
fi
