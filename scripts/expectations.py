#!/usr/bin/env python3
"""Judge a test run against the list of what it must run: expected/*.txt.

A run can pass with a suite missing (not built, its config dropped) or a
case skipped for a reason nobody meant.  This compares what ran with an
expectations file:

    suite NAME                    the KUnit suite NAME ran: a case of it
                                  (a "case NAME.*" line) passed
    selftest NAME                 the selftest NAME ran and passed
    pass PATH                     the case PATH ran and passed
    skip PATH-GLOB | REASON-ERE | WHY
                                  cases matching PATH-GLOB (SUITE.CASE or
                                  SUITE.CASE.PARAM, fnmatch) may be skipped,
                                  if their KTAP skip reason matches
                                  REASON-ERE; WHY says why that is expected

Every skipped case must be covered by a skip line, with its reason; every
listed suite, selftest and case must have run and passed.  A skipped
selftest is always a problem.  Inputs: "case PATH STATUS" and
"selftest NAME: VERDICT ..." lines (what
scripts/kunit-summary.py and scripts/boot's boot-summary.txt hold), and
the raw KTAP or console logs the skip reasons are read from.  Prints one
line per problem and a closing "expectations: ..." line; exits 1 on a
problem, 2 on bad input."""
import argparse
import fnmatch
import re
import sys

STAMP_RE = re.compile(r"^\[ *[0-9]+\.[0-9]+\] ")
SUBTEST_RE = re.compile(r"^( *)# Subtest: (.+?)\s*$")
RESULT_RE = re.compile(r"^( *)(?:not )?ok [0-9]+ (?:- )?(.+?)(?: # (SKIP)\b ?(.*?))?\s*$")


class BadInput(Exception):
    """An expectations file that cannot be read as one."""


def parse_expectations(text, where="expectations"):
    """(suites, selftests, skips, passes) from an expectations file's text."""
    suites, selftests, skips, passes = [], [], [], []
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        kind, _, rest = line.partition(" ")
        rest = rest.strip()
        if kind in ("suite", "selftest") and rest and " " not in rest:
            (suites if kind == "suite" else selftests).append(rest)
        elif kind == "pass" and rest:
            passes.append(rest)
        elif kind == "skip":
            # The reason may hold "|" itself: the first and last " | " split.
            glob, _, rest = rest.partition(" | ")
            reason, _, why = rest.rpartition(" | ")
            parts = [glob.strip(), reason.strip(), why.strip()]
            if not all(parts):
                raise BadInput(f"{where}:{no}: want 'skip PATH-GLOB | REASON-ERE | WHY': {raw}")
            try:
                reason = re.compile(parts[1])
            except re.error as err:
                raise BadInput(f"{where}:{no}: bad reason ERE: {err}") from err
            skips.append((parts[0], reason, parts[2]))
        else:
            raise BadInput(f"{where}:{no}: want suite, selftest, pass or skip: {raw}")
    return suites, selftests, skips, passes


def parse_results(text):
    """(cases {path: status}, suites {name: status}, selftests {name: verdict})."""
    cases, suites, selftests = {}, {}, {}
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 3 and f[0] == "case":
            path, status = line.split(" ", 1)[1].rsplit(" ", 1)
            cases[path.strip()] = status
        elif len(f) >= 3 and f[0] == "selftest" and f[1].endswith(":"):
            selftests[f[1][:-1]] = f[2].rstrip(",")
    # A suite is PASS if one of its cases passed, else FAIL if one failed,
    # else SKIP.
    rank = {"PASS": 2, "FAIL": 1, "SKIP": 0}
    for path, status in cases.items():
        name = path.split(".", 1)[0]
        if rank.get(status, 1) >= rank.get(suites.get(name, "SKIP"), 1):
            suites[name] = status if status in rank else "FAIL"
    return cases, suites, selftests


def skip_reasons(text):
    """{path: [reasons]} from the KTAP "ok N NAME # SKIP REASON" lines of
    TEXT (a console log, timestamps and all, or kunit.py's raw log): the
    path is built from the "# Subtest: NAME" lines above the result at its
    indentation and less, as kunit.py nests them (SUITE.CASE, and
    SUITE.CASE.PARAM for a parameterised case's runs)."""
    reasons, names = {}, {}
    for raw in text.splitlines():
        line = STAMP_RE.sub("", raw)
        m = SUBTEST_RE.match(line)
        if m:
            depth = len(m.group(1))
            names = {d: n for d, n in names.items() if d < depth}
            names[depth] = m.group(2)
            continue
        m = RESULT_RE.match(line)
        if not m:
            continue
        depth = len(m.group(1))
        names = {d: n for d, n in names.items() if d <= depth}
        if m.group(3):
            path = ".".join([names[d] for d in sorted(names)] + [m.group(2)])
            reasons.setdefault(path, []).append(m.group(4).strip())
    return reasons


def judge(expect, results, logs):
    """Problem lines and a closing summary line, from the three texts'
    parsed forms: expect = parse_expectations(), results =
    parse_results(), logs = skip_reasons()."""
    want_suites, want_selftests, skips, passes = expect
    cases, suites, selftests = results
    problems = []
    for kind, names, got, good in (("case", passes, cases, "PASS"),
                                   ("suite", want_suites, suites, "PASS"),
                                   ("selftest", want_selftests, selftests, "pass")):
        for name in names:
            status = got.get(name)
            if status is None:
                problems.append(f"{kind} {name} did not run")
            elif status != good:
                problems.append(f"{kind} {name}: {status}, not {good}")
    for name, verdict in sorted(selftests.items()):
        if verdict == "skip" and name not in want_selftests:
            problems.append(f"selftest {name} was skipped")
    justified, used = 0, set()
    for path, status in sorted(cases.items()):
        if status != "SKIP":
            continue
        seen = logs.get(path, [])
        rules = [(r, why) for glob, r, why in skips if fnmatch.fnmatchcase(path, glob)]
        used.update(glob for glob, _, _ in skips if fnmatch.fnmatchcase(path, glob))
        if not rules:
            problems.append(f"unexpected skip: {path} ({'; '.join(seen) or 'no reason found'})")
        elif not any(r.search(s) for r, _ in rules for s in seen):
            problems.append(f"skip of {path}: reason {seen or 'not found'} does not match "
                            f"{' or '.join(r.pattern for r, _ in rules)}")
        else:
            justified += 1
    unused = [glob for glob, _, _ in skips if glob not in used]
    summary = (f"expectations: {len(want_suites)} suites and {len(want_selftests)} selftests "
               f"expected, {justified} skips justified, {len(problems)} problem(s)"
               + (f"; skip rules no case needed: {', '.join(unused)}" if unused else ""))
    return problems, summary


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="expectations.py --expect FILE --results FILE [--log FILE]...")
    ap.add_argument("--expect", required=True, help="expected/*.txt")
    ap.add_argument("--results", required=True, action="append",
                    help="kunit-summary.txt or boot-summary.txt (repeatable)")
    ap.add_argument("--log", action="append", default=[],
                    help="KTAP or console log holding the skip reasons (repeatable)")
    args = ap.parse_args(argv)
    try:
        with open(args.expect, encoding="utf-8") as f:
            expect = parse_expectations(f.read(), args.expect)
        text = ""
        for name in args.results:
            with open(name, encoding="utf-8") as f:
                text += f.read() + "\n"
        logs = {}
        for name in args.log:
            with open(name, encoding="utf-8", errors="replace") as f:
                for k, v in skip_reasons(f.read()).items():
                    logs.setdefault(k, []).extend(v)
    except (OSError, BadInput) as err:
        print(f"expectations.py: {err}", file=sys.stderr)
        return 2
    problems, summary = judge(expect, parse_results(text), logs)
    for p in problems:
        print(f"  {p}")
    print(summary)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
