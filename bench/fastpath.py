#!/usr/bin/env python3
"""Compare the object code of the slab fast paths in a base and a patched
vmlinux: kmem_cache_alloc_noprof() and kmem_cache_free() by default.

An alias instance runs the same kmem_cache_alloc_noprof() and
kmem_cache_free() as every cache, so the series adds no load or branch to
them if their instruction sequences are the same as the base's.  Field
offsets of struct kmem_cache may move (fields were added to it): the
comparison normalizes addresses and memory displacements (keeping
registers, small immediates, the symbols of %rip operands and calls, and
branch targets as instruction indexes) and reports the displacements that
changed, so a fast-path field that moved
to another cache line can be seen.  Usage: see --help.
"""
import argparse
import difflib
import re
import subprocess
import sys

import builddirs

DEFAULT = ("kmem_cache_alloc_noprof", "kmem_cache_free")
INSN = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*?)\s*$")
FUNC = re.compile(r"^([0-9a-f]+) <([^>]+)>:$")
MEM = re.compile(r"(%\w+:)?(-?0x[0-9a-f]+|-?\d+)?\((%\w+)?(,%\w+)?(,\d+)?\)")
SYM = re.compile(r"<([^>]+)>")
TARGET = re.compile(r"^([0-9a-f]+) <([^>+]+)(\+0x[0-9a-f]+)?>$")
EXIT_DIFFER = 3


def instructions(lines, func):
    """[(address, mnemonic, operands, symbol)] of @func in objdump -d
    output; symbol is what a "# <sym>" comment names (a %rip operand)."""
    out, inside = [], False
    for line in lines:
        m = FUNC.match(line.rstrip("\n"))
        if m:
            inside = m.group(2) == func
            continue
        if not inside:
            continue
        m = INSN.match(line)
        if not m:
            continue
        ops, _, comment = m.group(3).partition("#")
        c = SYM.search(comment)
        out.append((int(m.group(1), 16), m.group(2), ops.strip(),
                    c.group(1) if c else None))
    return out


def normalize(insn, index=None):
    """The instruction with what moves between builds replaced: memory
    displacements (struct offsets, %rip distances) by D, addresses by
    ADDR; kept: registers, small immediates (flag masks), the symbol a
    %rip operand or a call names, and branch targets within the function
    as the index of their instruction (@index: address -> index)."""
    _, mnem, ops, sym = insn
    t = TARGET.match(ops)
    if t and mnem.startswith(("j", "call")):
        addr = int(t.group(1), 16)
        if index is not None and addr in index:
            return f"{mnem} @{index[addr]}"
        if index is None and t.group(3):	# within the function, unindexed
            return f"{mnem} @"
        return f"{mnem} <{t.group(2)}>"
    ops = MEM.sub(lambda m: f"{m.group(1) or ''}D({m.group(3) or ''}"
                  f"{m.group(4) or ''}{m.group(5) or ''})", ops)
    ops = re.sub(r"\$(-?0x[0-9a-f]{9,}|-?\d{10,})", "$ADDR", ops)
    ops = re.sub(r"\b[0-9a-f]{9,16}\b", "ADDR", ops)
    if sym and "(%rip)" in insn[2]:
        ops += f" <{sym}>"
    return f"{mnem} {ops}".strip()


def displacements(insn):
    """(displacement, base register) of each memory operand."""
    return [(int(m.group(2) or "0", 0), m.group(3) or "")
            for m in MEM.finditer(insn[2]) if not m.group(1)]


def summary(insns):
    """Counts: instructions, branches (conditional and not), calls and
    memory operands (segment-relative per-cpu ones included)."""
    return {
        "insns": len(insns),
        "branches": sum(1 for _, m, _, _ in insns if m.startswith("j")),
        "calls": sum(1 for _, m, _, _ in insns if m.startswith("call")),
        "memory": sum(len(MEM.findall(o)) for _, _, o, _ in insns),
    }


def normalized(insns, indexed=True):
    index = {insn[0]: i for i, insn in enumerate(insns)} if indexed else None
    return [normalize(i, index) for i in insns]


def compare(base, patched):
    """(same sequence?, diff lines, moved displacements) for two lists of
    instructions; moved: sorted {(base disp, patched disp, register)} over
    the instructions the two have in common, %rip and %rsp left out."""
    nb, np_ = normalized(base), normalized(patched)
    same = nb == np_
    diff = []
    if not same:
        # Shown without branch target indexes, which an insertion shifts,
        # unless only a branch target differs.
        ub, up = normalized(base, False), normalized(patched, False)
        a, b = (ub, up) if ub != up else (nb, np_)
        diff = list(difflib.unified_diff(a, b, "base", "patched", lineterm=""))
    moved = set()
    matcher = difflib.SequenceMatcher(None, nb, np_, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            b, p = base[block.a + k], patched[block.b + k]
            for (db, rb), (dp, rp) in zip(displacements(b), displacements(p)):
                if db != dp and rb == rp and rb not in ("%rip", "%rsp"):
                    moved.add((db, dp, rb))
    return same, diff, sorted(moved)


def disassemble(vmlinux, func):
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn",
                          f"--disassemble={func}", vmlinux],
                         check=True, capture_output=True, text=True).stdout
    return instructions(out.splitlines(), func)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Compare the slab fast paths' object code in a base and a "
        "patched build: the same instruction sequence (memory displacements "
        "and addresses aside) means no added load or branch.  Seconds per "
        "function (objdump).  Exits 0 if every function is the same, "
        f"{EXIT_DIFFER} if one differs or is missing, 2 on errors.")
    builddirs.add(ap)
    ap.add_argument("--function", action="append", metavar="NAME",
                    help="function to compare (repeatable; default: "
                    + ", ".join(DEFAULT) + ")")
    args = ap.parse_args(argv)
    builddirs.check(ap, args)
    print("| function | instructions | branches | calls | memory operands "
          "| same sequence as the base |")
    print("|---|---|---|---|---|---|")
    notes, bad = [], 0
    for func in args.function or DEFAULT:
        base = disassemble(f"{args.base}/vmlinux", func)
        patched = disassemble(f"{args.patched}/vmlinux", func)
        if not base or not patched:
            print(f"| {func} | not found | | | | |")
            bad += 1
            continue
        sb, sp = summary(base), summary(patched)
        same, diff, moved = compare(base, patched)
        cells = " | ".join(f"{sb[k]} -> {sp[k]}" for k in ("insns", "branches", "calls", "memory"))
        print(f"| {func} | {cells} | {'yes' if same else '**no**'} |")
        if moved:
            notes.append(f"{func}: displacements that changed (register: "
                         "what it points to, struct kmem_cache for the cache "
                         "argument's): " + ", ".join(
                             f"{db:#x}->{dp:#x}({r}) (64-byte line {db // 64}->{dp // 64})"
                             for db, dp, r in moved))
        if diff:
            bad += 1
            notes.append(f"{func}: the sequences differ:\n" + "\n".join(diff))
    for n in notes:
        print(f"\n{n}")
    return EXIT_DIFFER if bad else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"fastpath: error: {e}", file=sys.stderr)
        sys.exit(2)
