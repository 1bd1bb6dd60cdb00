#!/usr/bin/env python3
"""Count KUnit results in kunit.py's --json output: one line per status,
then "failure SUITE.CASE" per failed case and "case SUITE.CASE STATUS" per
case (PASS, SKIP or FAIL), for checks that need one case's result."""
import json
import sys


def walk(group, counts):
    for case in group.get("test_cases", []):
        status = case.get("status", "FAIL").upper()
        key = {"PASS": "passed", "SKIP": "skipped"}.get(status, "failed")
        counts[key] += 1
        counts["cases"].append((f'{group.get("name", "?")}.{case.get("name", "?")}',
                                {"passed": "PASS", "skipped": "SKIP"}.get(key, "FAIL")))
    for sub in group.get("sub_groups", []):
        walk(sub, counts)


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print("Usage: kunit-summary.py KUNIT_JSON", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    counts = {"passed": 0, "failed": 0, "skipped": 0, "cases": []}
    walk(data, counts)
    for key in ("passed", "failed", "skipped"):
        print(f"{key} {counts[key]}")
    for name, status in counts["cases"]:
        if status == "FAIL":
            print(f"failure {name}")
    for name, status in counts["cases"]:
        print(f"case {name} {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
