#!/usr/bin/env python3
"""Reads schemathesis' JSON run report (`--report json`) and prints the counts the harness reports.

    python3 summarize.py REPORT.json

Prints, on stdout, lines of `key=value` for the shell (cases, operations, passed, failed, errored,
complete) and then a human-readable list of the failing operations with their failure kinds. Passed
and failed count API *operations* (method + path): an operation passes when no check failed and no error
happened for any of its generated cases in any phase.
"""

from __future__ import annotations

import json
import sys


def operations_of(entry: dict) -> list[str]:
    if isinstance(entry.get("operations"), list):
        return [str(op) for op in entry["operations"]]
    if entry.get("operation"):
        return [str(entry["operation"])]
    if entry.get("label"):
        return [str(entry["label"])]
    return []


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as file:
        report = json.load(file)

    cases = report.get("test_cases", {})
    operations = report.get("operations", {})
    tested = int(operations.get("tested", 0))

    failing: dict[str, set[str]] = {}
    for failure in report.get("failures", []):
        kind = f"{failure.get('code', '?')} {failure.get('title', failure.get('type', 'failure'))}"
        for op in operations_of(failure):
            failing.setdefault(op, set()).add(kind)
    erroring: dict[str, set[str]] = {}
    for error in report.get("errors", []):
        kind = str(error.get("title") or error.get("type") or error.get("message") or "error")[:120]
        ops = operations_of(error) or ["(run)"]
        for op in ops:
            erroring.setdefault(op, set()).add(kind)

    bad = set(failing) | {op for op in erroring if op != "(run)"}
    failed = len(bad)
    passed = max(0, tested - failed)

    print(f"cases={int(cases.get('generated', 0))}")
    print(f"cases_with_failures={int(cases.get('with_failures', 0))}")
    print(f"unique_failures={int(cases.get('unique_failures', 0))}")
    print(f"operations={tested}")
    print(f"passed={passed}")
    print(f"failed={failed}")
    print(f"errored={len(erroring)}")
    print(f"complete={'yes' if report.get('complete') else 'no'}")
    print(f"seconds={float(report.get('running_time', 0.0)):.1f}")
    for op in sorted(bad | set(erroring)):
        kinds = sorted(failing.get(op, set()) | erroring.get(op, set()))
        print(f"#   {op}: {'; '.join(kinds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
