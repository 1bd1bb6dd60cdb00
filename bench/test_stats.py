#!/usr/bin/env python3
"""Tests of bench/stats.py: hand-made samples whose answer is known, and
the rounds of real UML fast-path runs (bench/testdata/fastpath-rounds.txt,
"KEY RUN FIRST_NS SECOND_NS" per round, as scripts/bench-static writes
them).  Run: python3 -m unittest discover -s bench -p 'test_*.py'"""
import contextlib
import io
import os
import random
import sys
import unittest

import stats

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata")


def run(argv, text):
    """(exit code, stdout, stderr) of stats.main on @text as stdin."""
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = stats.main(argv)
            except SystemExit as e:
                rc = e.code
    finally:
        sys.stdin = old
    return rc, out.getvalue(), err.getvalue()


def noisy_runs(rng, runs, rounds, a_level, b_level, spread):
    """@runs runs of @rounds rounds (a, b); each run scales both by its
    own factor within @spread, as a boot does."""
    out = []
    for _ in range(runs):
        f = rng.uniform(1 - spread, 1 + spread)
        out.append([(a_level * f * rng.uniform(0.98, 1.02),
                     b_level * f * rng.uniform(0.98, 1.02))
                    for _ in range(rounds)])
    return out


class Basics(unittest.TestCase):
    def test_median(self):
        self.assertEqual(stats.median([3, 1, 2]), 2)
        self.assertEqual(stats.median([4, 1, 3, 2]), 2.5)
        with self.assertRaises(ValueError):
            stats.median([])

    def test_percentile_interval_leaves_as_many_out_each_side(self):
        self.assertEqual(stats.percentile_interval(range(101), 0.9), (5, 95))
        self.assertEqual(stats.percentile_interval(range(10000), 0.95),
                         (249, 9750))
        self.assertEqual(stats.percentile_interval([7] * 50), (7, 7))

    def test_verdict(self):
        self.assertEqual(stats.verdict(0.9, 0.99), "below 1")
        self.assertEqual(stats.verdict(1.01, 1.2), "above 1")
        self.assertEqual(stats.verdict(0.99, 1.01), "includes 1")


class Paired(unittest.TestCase):
    def test_identical_loops_give_one(self):
        r, lo, hi = stats.paired_ratio([[(100, 100)] * 9] * 3)
        self.assertEqual((r, lo, hi), (1, 1, 1))

    def test_a_clear_gain_excludes_one(self):
        runs = noisy_runs(random.Random(7), 4, 20, 90, 100, 0.2)
        r, lo, hi = stats.paired_ratio(runs)
        self.assertTrue(lo <= r <= hi < 1, (r, lo, hi))
        self.assertEqual(stats.verdict(lo, hi), "below 1")

    def test_noise_between_runs_is_in_the_interval(self):
        # Within a run the two loops agree; the runs disagree by 5%.
        rng = random.Random(3)
        runs = []
        for _ in range(4):
            d = rng.uniform(0.95, 1.05)
            runs.append([(100 * d * rng.uniform(0.999, 1.001), 100)
                         for _ in range(20)])
        _, lo, hi = stats.paired_ratio(runs)
        self.assertGreater(hi - lo, 0.02)

    def test_false_alarms_are_rare(self):
        # Twenty datasets of two equal loops: at 95%, at most a few
        # intervals may exclude 1.
        rng = random.Random(17)
        excluded = 0
        for k in range(20):
            runs = noisy_runs(rng, 5, 10, 100, 100, 0.1)
            _, lo, hi = stats.paired_ratio(runs, resamples=400, seed=k)
            excluded += stats.verdict(lo, hi) != "includes 1"
        self.assertLessEqual(excluded, 3)

    def test_one_run_or_bad_times_refused(self):
        with self.assertRaisesRegex(ValueError, "at least 2 runs"):
            stats.paired_ratio([[(1, 2)] * 10])
        with self.assertRaisesRegex(ValueError, "positive"):
            stats.paired_ratio([[(1, 0)], [(1, 1)]])

    def test_saved_uml_runs(self):
        with open(os.path.join(DATA, "fastpath-rounds.txt"),
                  encoding="utf-8") as f:
            cases = stats.read_paired(f)
        self.assertEqual(len(cases), 10)
        got = {}
        for key, runs in cases.items():
            self.assertEqual([len(r) for r in runs.values()], [20] * 5, key)
            r, lo, hi = stats.paired_ratio(list(runs.values()))
            self.assertTrue(lo <= r <= hi, (key, r, lo, hi))
            got[key] = stats.verdict(lo, hi)
        # A cold pointer line costs the dynamic cache a miss; warm, this
        # run resolves no difference, nor does the control.
        self.assertEqual(got["static/dynamic,64,1,pointer"], "below 1")
        self.assertEqual(got["static/dynamic,64,1,none"], "includes 1")
        self.assertEqual(got["dynamic/dynamic,64,1,none"], "includes 1")


class Grouped(unittest.TestCase):
    def test_shift_found_across_boots(self):
        rng = random.Random(11)
        base = [[rng.gauss(100, 1) for _ in range(3)] for _ in range(6)]
        patched = [[rng.gauss(110, 1) for _ in range(3)] for _ in range(6)]
        mb, mp, r, lo, hi = stats.grouped_ratio(base, patched)
        self.assertTrue(1.05 < lo <= r <= hi < 1.15, (r, lo, hi))
        self.assertEqual(stats.verdict(lo, hi), "above 1")
        self.assertAlmostEqual(r, mp / mb)

    def test_boot_spread_widens_the_interval(self):
        # Each boot has its own level (TCG): values agree within a boot,
        # boots differ by up to 40%.  Treating every value as its own
        # boot would give a narrower, wrong interval.
        rng = random.Random(13)
        base, patched = [], []
        for side in (base, patched):
            for _ in range(4):
                level = rng.uniform(80, 120)
                side.append([level * rng.uniform(0.99, 1.01)
                             for _ in range(5)])
        _, _, _, lo, hi = stats.grouped_ratio(base, patched)
        flat = stats.grouped_ratio([[x] for g in base for x in g],
                                   [[x] for g in patched for x in g])
        self.assertGreater(hi - lo, flat[4] - flat[3])

    def test_one_boot_refused(self):
        with self.assertRaisesRegex(ValueError, "at least 2 base boots"):
            stats.grouped_ratio([[1.0, 2.0]], [[1.0], [2.0]])
        with self.assertRaisesRegex(ValueError, "patched boots"):
            stats.grouped_ratio([[1.0], [2.0]], [[1.0], []])


class CommandLine(unittest.TestCase):
    def test_paired_columns(self):
        text = "".join(f"s/d,64,1,none {r} {a} 100\n"
                       for r in (1, 2) for a in (90, 91, 92))
        rc, out, _ = run(["paired"], text)
        self.assertEqual(rc, 0)
        w = out.split()
        # KEY RUNS ROUNDS MEDIAN_A MEDIAN_B RATIO LO HI VERDICT
        self.assertEqual(w[:6], ["s/d,64,1,none", "2", "6", "91", "100",
                                 "0.9100"])
        self.assertEqual(w[8], "below-1")
        self.assertEqual(len(w), 9)

    def test_groups_columns(self):
        text = "".join(f"fork {side} {b} {v}\n"
                       for side, v0 in (("base", 100), ("patched", 50))
                       for b in range(3) for v in (v0, v0 + 1))
        rc, out, _ = run(["groups"], text)
        self.assertEqual(rc, 0)
        w = out.split()
        self.assertEqual(w[:6], ["fork", "3", "3", "100.5", "50.5",
                                 "0.5025"])
        self.assertEqual((w[8], len(w)), ("below-1", 9))

    def test_median(self):
        self.assertEqual(run(["median"], "3\n1\n2\n4\n")[1], "2.5\n")
        self.assertEqual(run(["median"], "3\n1\n2\n")[1], "2\n")

    def test_bad_input_is_an_error(self):
        for argv, text, what in (
                (["groups"], "fork middle 1 2\n", "line 1"),
                (["groups"], "fork base 1 2\nfork patched 1 2\n",
                 "fork: an interval needs at least 2"),
                (["paired"], "k 1 1 x\n", "not a finite number"),
                (["paired"], "k 1 1 nan\n", "not a finite number"),
                (["paired"], "", "no input"),
                (["median"], "inf\n", "not a finite number")):
            rc, out, err = run(argv, text)
            self.assertEqual((rc, out), (1, ""), (argv, text))
            self.assertIn(what, err)
        rc, _, err = run(["--level", "2", "median"], "1\n")
        self.assertEqual(rc, 2)
        self.assertIn("--level", err)


if __name__ == "__main__":
    unittest.main()
