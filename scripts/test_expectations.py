"""scripts/expectations.py judged on saved results (scripts/testdata) and on
small hand-made variants of them: each case must be able to fail."""
import os
import unittest

import expectations as ex

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def read(*parts):
    with open(os.path.join(*parts), encoding="utf-8") as f:
        return f.read()


class Saved(unittest.TestCase):
    """The repository's expectations against real runs' results."""

    def run_judge(self, expect, results, log):
        return ex.judge(ex.parse_expectations(read(ROOT, "expected", expect)),
                        ex.parse_results(read(HERE, "testdata", results)),
                        ex.skip_reasons(read(HERE, "testdata", log)))

    def test_boot_passes(self):
        problems, summary = self.run_judge("boot.txt", "boot-summary.txt",
                                           "boot-console-skips.txt")
        self.assertEqual(problems, [])
        self.assertIn("28 skips justified", summary)

    def test_kunit_x86_passes(self):
        problems, _ = self.run_judge("kunit-x86_64.txt", "kunit-x86_64-summary.txt",
                                     "kunit-x86_64-skips.txt")
        self.assertEqual(problems, [])

    def test_boot_without_the_reasons_fails(self):
        problems, _ = self.run_judge("boot.txt", "boot-summary.txt", "kunit-x86_64-skips.txt")
        self.assertTrue(any("slab_static.static_merge_target: reason" in p for p in problems))

    def test_uml_expectations_on_x86_fail(self):
        # The debug boot's skips are not allowed on x86_64 KUnit.
        problems, _ = self.run_judge("kunit-x86_64.txt", "boot-summary.txt",
                                     "boot-console-skips.txt")
        self.assertTrue(any(p.startswith("unexpected skip: slab_static.static_merge_target")
                            for p in problems))


RESULTS = """case a.one PASS
case a.two SKIP
case b.p.1 SKIP
case b.p.2 SKIP
selftest s1: pass, cases 3 passed, 0 failed, 0 skipped
selftest s2: skip, cases 0 passed, 0 failed, 1 skipped
"""
LOG = """[    1.0] KTAP version 1
[    1.0] 1..2
[    1.0]     # Subtest: a
[    1.0]     ok 1 one
[    1.0]     ok 2 two # SKIP needs CONFIG_X
[    1.0] ok 1 a
    # Subtest: b
        # Subtest: p
        ok 1 1 # SKIP no buckets
        ok 2 2 # SKIP no buckets
    ok 1 p # SKIP
ok 2 b
"""


class Judge(unittest.TestCase):
    def judge(self, expect, results=RESULTS, log=LOG):
        return ex.judge(ex.parse_expectations(expect), ex.parse_results(results),
                        ex.skip_reasons(log))[0]

    def test_all_expected(self):
        self.assertEqual(self.judge("suite a\nselftest s1\nskip a.two | CONFIG_X | why\n"
                                    "skip b.p.* | buckets | why\nskip * | x | s2 is no case\n"),
                         ["selftest s2 was skipped"])

    def test_pass_lines(self):
        self.assertEqual(self.judge("pass a.one\nskip * | . | any\n"), ["selftest s2 was skipped"])
        self.assertIn("case a.two: SKIP, not PASS", self.judge("pass a.two\nskip * | . | any\n"))
        self.assertIn("case a.three did not run",
                      self.judge("pass a.three\nskip * | . | any\n"))

    def test_failed_suite(self):
        problems = self.judge("suite u\nskip * | . | any\n", results=RESULTS + "case u.x FAIL\n")
        self.assertIn("suite u: FAIL, not PASS", problems)

    def test_missing_suite(self):
        self.assertIn("suite c did not run", self.judge("suite c\n" "skip * | . | any\n"))

    def test_suite_with_every_case_skipped(self):
        self.assertIn("suite b: SKIP, not PASS",
                      self.judge("suite b\nskip * | . | any\n"))

    def test_unexpected_skip(self):
        problems = self.judge("skip a.two | CONFIG_X | why\n")
        self.assertIn("unexpected skip: b.p.1 (no buckets)", problems)

    def test_wrong_reason(self):
        problems = self.judge("skip a.two | CONFIG_Y | why\nskip b.* | buckets | why\n")
        self.assertEqual([p for p in problems if "a.two" in p],
                         ["skip of a.two: reason ['needs CONFIG_X'] does not match CONFIG_Y"])

    def test_missing_and_failed_selftest(self):
        problems = self.judge("selftest s3\nselftest s2\nskip * | . | any\n")
        self.assertIn("selftest s3 did not run", problems)
        self.assertIn("selftest s2: skip, not pass", problems)

    def test_reasons_by_path(self):
        self.assertEqual(ex.skip_reasons(LOG), {"a.two": ["needs CONFIG_X"], "b.p.1": ["no buckets"],
                                                "b.p.2": ["no buckets"], "b.p": [""]})
        # A reason printed for another suite's case of the same name does
        # not justify this one.
        other = LOG.replace("# Subtest: a", "# Subtest: z")
        self.assertIn("skip of a.two: reason not found does not match CONFIG_X",
                      self.judge("skip a.two | CONFIG_X | why\nskip b.* | buckets | why\n", log=other))

    def test_names_with_spaces_and_bars(self):
        results = "case s.p.size 8 SKIP\ncase s.q PASS\n"
        log = "# Subtest: s\n    # Subtest: p\n    ok 1 size 8 # SKIP no a|b here\nok 1 s\n"
        self.assertEqual(ex.judge(ex.parse_expectations("suite s\nskip s.p.* | a\\|b | why\n"),
                                  ex.parse_results(results), ex.skip_reasons(log))[0], [])

    def test_bad_expectations(self):
        for bad in ("skip a.two | CONFIG_X\n", "suite\n", "frobnicate x\n",
                    "skip a | ( | why\n"):
            with self.assertRaises(ex.BadInput, msg=bad):
                ex.parse_expectations(bad)

    def test_cli_exit_codes(self):
        self.assertEqual(ex.main(["--expect", os.path.join(ROOT, "expected", "boot.txt"),
                                  "--results", os.path.join(HERE, "testdata", "boot-summary.txt"),
                                  "--log", os.path.join(HERE, "testdata", "boot-console-skips.txt")]),
                         0)
        self.assertEqual(ex.main(["--expect", os.path.join(ROOT, "expected", "boot.txt"),
                                  "--results", os.path.join(HERE, "testdata", "boot-summary.txt")]),
                         1)
        self.assertEqual(ex.main(["--expect", "/nonexistent", "--results", "/nonexistent"]), 2)


if __name__ == "__main__":
    unittest.main()
