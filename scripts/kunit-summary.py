#!/usr/bin/env python3
"""Count KUnit results in kunit.py's --json output.

Prints one line per status ("passed N", "failed N", "skipped N", counting
cases), then "failure PATH" per failed case, "case PATH STATUS" per case
(PASS, SKIP or FAIL) and "suite NAME STATUS" per suite (FAIL if a case
failed, else PASS if one passed, else SKIP).  PATH is SUITE.CASE, or
SUITE.CASE.PARAM for a parameterised case's runs.  scripts/kunit,
scripts/boot and scripts/bisect read this; scripts/expectations.py judges
the case and suite lines against expected/*.txt."""
import json
import sys

STATUS = {"PASS": "PASS", "SKIP": "SKIP"}


def cases(group, prefix=""):
    """(path, status) of every case below GROUP, depth first."""
    out = []
    for case in group.get("test_cases", []):
        status = STATUS.get(str(case.get("status", "FAIL")).upper(), "FAIL")
        out.append((prefix + (case.get("name") or "(missing result)"), status))
    for sub in group.get("sub_groups", []):
        out += cases(sub, prefix + sub.get("name", "?") + ".")
    return out


def suites(top):
    """(name, status) of every suite: the root's groups and bare cases."""
    out = []
    for sub in top.get("sub_groups", []):
        st = [s for _, s in cases(sub)]
        out.append((sub.get("name", "?"),
                    "FAIL" if "FAIL" in st else "PASS" if "PASS" in st else "SKIP"))
    for name, status in cases({"test_cases": top.get("test_cases", [])}):
        out.append((name, status))
    return out


def summary(top):
    """The lines this script prints for kunit.py's JSON TOP."""
    found = [(p, s) for sub in top.get("sub_groups", [])
             for p, s in cases(sub, sub.get("name", "?") + ".")]
    found += cases({"test_cases": top.get("test_cases", [])})
    lines = [f"{key} {sum(1 for _, s in found if s == st)}"
             for key, st in (("passed", "PASS"), ("failed", "FAIL"), ("skipped", "SKIP"))]
    lines += [f"failure {p}" for p, s in found if s == "FAIL"]
    lines += [f"case {p} {s}" for p, s in found]
    lines += [f"suite {n} {s}" for n, s in suites(top)]
    return lines


def main():
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        print("Usage: kunit-summary.py KUNIT_JSON", file=sys.stderr)
        if len(sys.argv) == 2 and sys.argv[1] not in ("-h", "--help"):
            print(f"kunit-summary.py: unknown option {sys.argv[1]}", file=sys.stderr)
            return 2
        return 0 if len(sys.argv) == 2 else 2
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    print("\n".join(summary(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
