#!/usr/bin/env python3
"""Verifies what journal-probe sent against what journald stored.

Called by journal-test.sh inside its private mount namespace, after
`journalctl --sync`. Prints findings, then one summary line; exits 1 on failure.
"""
import argparse
import glob
import json
import subprocess
import sys

JOURNAL_GLOBS = ["/run/log/journal/*/*.journal", "/var/log/journal/*/*.journal"]
DROPPED_MESSAGE_ID = "fe6faa94e7774663a0da52717891d8ef"  # journald's "Suppressed N messages from UNIT"


def read_journal(files, *matches):
    """Every entry in `files` that satisfies the journalctl `matches`, as dicts."""
    command = ["journalctl", "--no-pager", "--all", "-o", "json"]
    command += [f"--file={path}" for path in files] + list(matches)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in output.splitlines() if line]


def text(value):
    """A journalctl JSON field value as text (it emits unprintable values as byte arrays)."""
    if isinstance(value, list) and all(isinstance(byte, int) for byte in value):
        return bytes(value).decode("utf-8", "replace")
    return value


def check_fields(entries, expected_path):
    """(exact, total, problems) comparing each expected entry with the stored one of the same PROBE_ENTRY."""
    stored = {entry.get("PROBE_ENTRY"): entry for entry in entries if "PROBE_ENTRY" in entry}
    with open(expected_path, encoding="utf-8") as lines:
        expected_entries = [json.loads(line) for line in lines if line.strip()]
    exact, problems = 0, []
    for expected in expected_entries:
        name = expected["PROBE_ENTRY"]
        entry = stored.get(name)
        if entry is None:
            problems.append(f"entry {name!r} missing from the journal")
            continue
        wanted = dict(expected, SYSLOG_IDENTIFIER="journal-probe", _TRANSPORT="journal")
        mismatches = [f"entry {name!r}: {field}={text(entry.get(field))!r}, expected {value!r}"
                      for field, value in wanted.items() if text(entry.get(field)) != value]
        exact += not mismatches
        problems += mismatches
    return exact, len(expected_entries), problems


def check_flood(entries, summary):
    """(description, problems) for the flood entries, given the probe's summary line."""
    stats = dict(item.split("=", 1) for item in summary.split()[1:])
    sent, succeeded = int(stats["sent"]), int(stats["ok"])
    sequences = sorted(int(entry["FLOOD_SEQ"]) for entry in entries if "FLOOD_SEQ" in entry)
    arrived = len(sequences)
    problems = []
    if succeeded != sent:
        problems.append(f"only {succeeded} of {sent} sendv calls succeeded {stats['errors']}")
    if len(set(sequences)) != arrived:
        problems.append("duplicate flood entries")
    if sequences != list(range(arrived)):
        problems.append("flood entries missing from the middle, not only a rate-limited tail")
    if arrived == 0:
        problems.append("no flood entry arrived")
    if arrived < succeeded:
        first_missing = sequences[-1] + 1 if sequences else 0
        note = f", rate-limited from FLOOD_SEQ={first_missing} on"
    else:
        note = ""
    return f"{arrived}/{sent} arrived ({succeeded} sendv ok) in {stats['elapsed_ms']} ms{note}", problems


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--run", required=True, help="PROBE_RUN value of this run")
    parser.add_argument("--expected", required=True, help="JSON lines printed by `journal-probe fields`")
    parser.add_argument("--flood-summary", required=True, help="line printed by `journal-probe flood`")
    arguments = parser.parse_args()

    files = sorted(path for pattern in JOURNAL_GLOBS for path in glob.glob(pattern))
    if not files:
        print("journald wrote no journal file under /run/log/journal or /var/log/journal")
        return 1
    print("journal files: " + ", ".join(files))

    entries = read_journal(files, f"PROBE_RUN={arguments.run}")
    exact, total, field_problems = check_fields(entries, arguments.expected)
    flood, flood_problems = check_flood(entries, arguments.flood_summary)
    dropped = sum(int(text(e.get("N_DROPPED", "0"))) for e in read_journal(files, f"MESSAGE_ID={DROPPED_MESSAGE_ID}"))
    for problem in field_problems + flood_problems:
        print("problem: " + problem)
    print(f"fields: {exact}/{total} entries exact; "
          f"flood: {flood}; journald reported {dropped} suppressed")
    return 1 if field_problems or flood_problems else 0


if __name__ == "__main__":
    sys.exit(main())
