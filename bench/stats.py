#!/usr/bin/env python3
"""Medians, ratios and bootstrap confidence intervals for the benchmarks.

Two designs, one subcommand each, both resampled on two levels: boots
(or runs) drawn with replacement, then the values within each drawn boot,
so that the spread between boots, which is larger than that within one,
is in the interval.  An interval needs at least two boots on each side.

  paired   two loops timed in the same rounds of one kernel (the UML
           fast path: static and dynamic cache, taking turns), several
           runs of it.  Input lines "KEY RUN A B"; the figure is the
           median of the per-round ratios A/B.
  groups   two kernels booted alternately, several values per boot (the
           guest's end-to-end loops and stress-ng).  Input lines
           "KEY SIDE BOOT VALUE", SIDE base or patched; the figure is the
           ratio of the medians, patched/base.
  median   numbers, one per line: their median.

Intervals are 95% percentile intervals by default, from 10000 resamples
with a fixed seed, so the same input always prints the same figures.  A
ratio is said to differ from 1 only when its interval excludes 1; of
twenty intervals on ratios that are really 1, about one excludes it.
Usage: see --help.
"""
import argparse
import math
import random
import sys
from collections import OrderedDict

RESAMPLES = 10000
LEVEL = 0.95
SEED = 1


def median(xs):
    """The median of @xs (the mean of the two middle values if even)."""
    v = sorted(xs)
    if not v:
        raise ValueError("median of no values")
    m = len(v) // 2
    return v[m] if len(v) % 2 else (v[m - 1] + v[m]) / 2


def percentile_interval(stats, level=LEVEL):
    """(lo, hi): the central @level of the bootstrap statistics @stats,
    as many of them left out below lo as above hi."""
    v = sorted(stats)
    k = int((1 - level) / 2 * (len(v) - 1) + 1e-9)
    return v[k], v[len(v) - 1 - k]


def _pooled_median(groups, rng):
    """Median of one two-level resample of @groups (lists of values)."""
    pooled = []
    for g in rng.choices(groups, k=len(groups)):
        pooled.extend(rng.choices(g, k=len(g)))
    return median(pooled)


def _check_groups(groups, what):
    if len(groups) < 2 or not all(groups):
        raise ValueError(f"an interval needs at least 2 {what} with values, "
                         f"got {len(groups)}")


def paired_ratio(runs, resamples=RESAMPLES, level=LEVEL, seed=SEED):
    """(median ratio, lo, hi): @runs is a list of runs, each a list of
    rounds (a, b); the figure is the median of all per-round ratios a/b,
    the interval a two-level bootstrap (runs, then rounds within a run)."""
    _check_groups(runs, "runs")
    if any(b <= 0 or a <= 0 for run in runs for a, b in run):
        raise ValueError("times must be positive")
    ratios = [[a / b for a, b in run] for run in runs]
    rng = random.Random(seed)
    boot = [_pooled_median(ratios, rng) for _ in range(resamples)]
    lo, hi = percentile_interval(boot, level)
    return median([r for run in ratios for r in run]), lo, hi


def grouped_ratio(base, patched, resamples=RESAMPLES, level=LEVEL,
                  seed=SEED):
    """(median base, median patched, ratio, lo, hi): @base and @patched
    are lists of boots, each a non-empty list of values; the ratio is
    median(patched)/median(base) over all values, the interval a
    two-level bootstrap (boots, then values within a boot)."""
    _check_groups(base, "base boots")
    _check_groups(patched, "patched boots")
    mb = median([x for g in base for x in g])
    mp = median([x for g in patched for x in g])
    if mb <= 0:
        raise ValueError("the base median must be positive")
    rng = random.Random(seed)
    boot = []
    for _ in range(resamples):
        b = _pooled_median(base, rng)
        p = _pooled_median(patched, rng)
        boot.append(p / b if b > 0 else float("inf"))
    lo, hi = percentile_interval(boot, level)
    return mb, mp, mp / mb, lo, hi


def verdict(lo, hi):
    """What an interval says about a ratio against 1."""
    if hi < 1:
        return "below 1"
    if lo > 1:
        return "above 1"
    return "includes 1"


def _number(word, where):
    try:
        x = float(word)
    except ValueError:
        x = math.nan
    if not math.isfinite(x):
        raise ValueError(f"{where}: not a finite number: {word!r}")
    return x


def read_paired(lines):
    """OrderedDict KEY -> {RUN: [(a, b)]} from "KEY RUN A B" lines."""
    out = OrderedDict()
    for n, line in enumerate(lines, 1):
        w = line.split()
        if not w:
            continue
        if len(w) != 4:
            raise ValueError(f"line {n}: want KEY RUN A B, "
                             f"got {line.strip()!r}")
        out.setdefault(w[0], OrderedDict()).setdefault(w[1], []).append(
            (_number(w[2], f"line {n}"), _number(w[3], f"line {n}")))
    return out


def read_groups(lines):
    """OrderedDict KEY -> {"base": {BOOT: [values]}, "patched": {...}}
    from "KEY SIDE BOOT VALUE" lines."""
    out = OrderedDict()
    for n, line in enumerate(lines, 1):
        w = line.split()
        if not w:
            continue
        if len(w) != 4 or w[1] not in ("base", "patched"):
            raise ValueError(f"line {n}: want KEY base|patched BOOT VALUE, "
                             f"got {line.strip()!r}")
        sides = out.setdefault(w[0], {"base": OrderedDict(),
                                      "patched": OrderedDict()})
        sides[w[1]].setdefault(w[2], []).append(_number(w[3], f"line {n}"))
    return out


def fmt(x):
    """A ratio as printed: four decimals."""
    return f"{x:.4f}"


def num(x):
    """A median as printed: an integer if it is one, else one decimal."""
    return str(int(x)) if x == int(x) else f"{x:.1f}"


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0],
        epilog="Output (one line per KEY, in input order): paired: KEY "
               "RUNS ROUNDS MEDIAN_A MEDIAN_B RATIO LO HI VERDICT; groups: KEY "
               "BOOTS_BASE BOOTS_PATCHED MEDIAN_BASE MEDIAN_PATCHED RATIO "
               "LO HI VERDICT; VERDICT is below-1, above-1 or includes-1.")
    ap.add_argument("--resamples", type=int, default=RESAMPLES,
                    help=f"bootstrap resamples (default {RESAMPLES})")
    ap.add_argument("--level", type=float, default=LEVEL,
                    help=f"confidence level (default {LEVEL})")
    ap.add_argument("--seed", type=int, default=SEED,
                    help=f"random seed (default {SEED})")
    inp = argparse.ArgumentParser(add_help=False)
    inp.add_argument("file", nargs="?", default="-",
                     help="input file (default: standard input)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("paired", parents=[inp],
                   help="lines KEY RUN A B: median A/B per KEY")
    sub.add_parser("groups", parents=[inp],
                   help="lines KEY base|patched BOOT VALUE: patched/base")
    sub.add_parser("median", parents=[inp],
                   help="numbers, one per line: their median")
    args = ap.parse_args(argv)
    if args.resamples < 100:
        ap.error("--resamples must be at least 100")
    if not 0.5 <= args.level < 1:
        ap.error("--level must be in [0.5, 1)")
    try:
        src = (sys.stdin if args.file == "-"
               else open(args.file, encoding="utf-8"))
    except OSError as e:
        ap.error(f"{args.file}: {e.strerror}")
    opts = dict(resamples=args.resamples, level=args.level, seed=args.seed)
    try:
        with src:
            lines = src.readlines()
        if not any(line.strip() for line in lines):
            raise ValueError("no input")
        if args.cmd == "median":
            vals = [_number(w, f"line {n}")
                    for n, line in enumerate(lines, 1) for w in line.split()]
            print(num(median(vals)))
        elif args.cmd == "paired":
            for key, runs in read_paired(lines).items():
                runs = list(runs.values())
                pairs = [p for run in runs for p in run]
                try:
                    r, lo, hi = paired_ratio(runs, **opts)
                except ValueError as e:
                    raise ValueError(f"{key}: {e}") from None
                print(key, len(runs), len(pairs),
                      num(median([a for a, _ in pairs])),
                      num(median([b for _, b in pairs])), fmt(r), fmt(lo),
                      fmt(hi), verdict(lo, hi).replace(" ", "-"))
        else:
            for key, sides in read_groups(lines).items():
                base = list(sides["base"].values())
                patched = list(sides["patched"].values())
                try:
                    mb, mp, r, lo, hi = grouped_ratio(base, patched, **opts)
                except ValueError as e:
                    raise ValueError(f"{key}: {e}") from None
                print(key, len(base), len(patched), num(mb), num(mp), fmt(r),
                      fmt(lo), fmt(hi), verdict(lo, hi).replace(" ", "-"))
    except ValueError as e:
        print(f"stats.py {args.cmd}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
