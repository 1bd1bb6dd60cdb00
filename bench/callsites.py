#!/usr/bin/env python3
"""Count, in the object code, how converted slab caches reach the allocator.

For every cache the series converts to static storage, find the call sites
that pass it to the allocator (kmem_cache_alloc*, kmem_cache_free*, bulk,
lru and node variants: calls and tail calls) in a base and a patched
vmlinux (or module), and say how each site gets the cache into %rdi:

  load   loaded from memory: a RIP-relative load of the base's pointer
         variable (foo_cachep), the dependent load the series removes
  imm    an address immediate (or RIP-relative lea) of the patched static
         instance: no load
Sites whose %rdi the scan cannot trace to one of these symbols are not
counted for any cache; a converted site compiled some other way would show
as fewer patched sites than base sites for its cache.

The scan walks the function's control flow back from the call (fall-through
and branches within the function) through register moves; a caller-saved
register clobbered by a call, or paths that disagree, count as neither.  It
reads `objdump -d` (vmlinux, linked: operands carry <symbol> comments or
plain addresses) or `objdump -dr` (a module: operands carry relocations).
Usage: see --help.
"""
import argparse
import collections
import re
import subprocess
import sys

import builddirs

# Allocator entry points that take the cache as their first argument.
ENTRY_POINTS = (
    "kmem_cache_alloc_noprof", "kmem_cache_alloc_lru_noprof",
    "kmem_cache_alloc_node_noprof", "kmem_cache_alloc_bulk_noprof",
    "kmem_cache_free", "kmem_cache_free_bulk",
)

# cache name, base pointer symbol, patched instance symbol, object file
# (relative to the build directory; vmlinux unless a module).
CONVERTED = (
    ("names_cache", "names_cachep", "names_cache", "vmlinux"),
    ("dentry", "dentry_cache", "dentry_cache_storage", "vmlinux"),
    ("filp", "filp_cachep", "filp_cache", "vmlinux"),
    ("inode_cache", "inode_cachep", "inode_cache", "vmlinux"),
    ("mnt_cache", "mnt_cache", "mnt_cache_storage", "vmlinux"),
    ("buffer_head", "bh_cachep", "bh_cache", "vmlinux"),
    ("seq_file", "seq_file_cache", "seq_file_cache_storage", "vmlinux"),
    ("task_struct", "task_struct_cachep", "task_struct_cache", "vmlinux"),
    ("signal_cache", "signal_cachep", "signal_cache", "vmlinux"),
    ("sighand_cache", "sighand_cachep", "sighand_cache", "vmlinux"),
    ("files_cache", "files_cachep", "files_cache", "vmlinux"),
    ("fs_cache", "fs_cachep", "fs_cache", "vmlinux"),
    ("mm_struct", "mm_cachep", "mm_cache", "vmlinux"),
    ("vm_area_struct", "vm_area_cachep", "vm_area_cache", "vmlinux"),
    ("vma_lock", "vma_lock_cachep", "vma_lock_cache", "vmlinux"),
    ("configfs_dir_cache", "configfs_dir_cachep", "configfs_dir_cache",
     "fs/configfs/configfs.ko"),
)

CALLER_SAVED = {"rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11"}
# 32-, 16- and 8-bit names of the 64-bit registers (r8-r15 by suffix).
_SUB = {}
for _r, _names in (("rax", "eax ax al ah"), ("rbx", "ebx bx bl bh"),
                   ("rcx", "ecx cx cl ch"), ("rdx", "edx dx dl dh"),
                   ("rsi", "esi si sil"), ("rdi", "edi di dil"),
                   ("rbp", "ebp bp bpl"), ("rsp", "esp sp spl")):
    for _n in _names.split():
        _SUB[_n] = _r
# Instruction prefixes objdump prints before the mnemonic.
PREFIXES = {"cs", "ds", "es", "ss", "fs", "gs", "notrack", "bnd", "lock",
            "rep", "repz", "repe", "repnz", "repne", "data16", "addr32", "rex",
            "rex.W", "xacquire", "xrelease"}
# Mnemonics that read their last operand and write nothing to it.
READ_ONLY = ("cmp", "test", "push", "bt", "ptest", "ucomis", "comis")
# String instructions: they move %rdi (and %rsi) implicitly.
STRING = ("stos", "movs", "scas", "cmps", "lods", "ins", "outs")

INSN = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*?)\s*$")
FUNC = re.compile(r"^([0-9a-f]+) <([^>]+)>:$")
RELOC = re.compile(r"^\s*[0-9a-f]+:\s+(R_X86_64_\w+)\s+(\S+)$")
COMMENT = re.compile(r"#\s*([0-9a-f]+)\s*<([^>+]+)(\+0x[0-9a-f]+)?>")
TARGET = re.compile(r"^([0-9a-f]+)\s+<([^>+]+)(?:\+0x[0-9a-f]+)?>")


def reg64(name):
    """%r12d -> r12, %edi -> rdi, %rdi -> rdi; None if not a register."""
    if not name.startswith("%"):
        return None
    r = name[1:]
    if r in _SUB:
        return _SUB[r]
    m = re.fullmatch(r"(r\d+)[dwb]?", r)
    if m:
        return m.group(1)
    return r


class Insn:
    """One instruction: its address, mnemonic, operands, the symbol a
    comment or a relocation names, the callee of a call or tail call, and
    the address a branch within the function goes to."""
    __slots__ = ("pc", "mnem", "ops", "sym", "addr", "target", "branch",
                 "sym_off")

    def __init__(self, pc, mnem, ops):
        self.pc = pc
        self.mnem = mnem
        self.ops = ops
        self.sym = None
        self.sym_off = False		# the operand is sym+offset, not sym
        self.addr = None
        self.target = None
        self.branch = None

    def falls_through(self):
        """Whether the next instruction can follow this one."""
        return not (self.mnem.startswith(("jmp", "ret")) or
                    self.mnem in ("ud2", "int3"))


def parse(lines):
    """objdump output -> {function: [Insn, ...]}."""
    funcs = {}
    cur = None
    for line in lines:
        line = line.rstrip("\n")
        m = FUNC.match(line)
        if m:
            # Static functions of one name in several objects: one each.
            cur = funcs.setdefault((m.group(2), int(m.group(1), 16)), [])
            continue
        if cur is None:
            continue
        m = RELOC.match(line)
        if m and cur:
            sym = re.sub(r"[-+]0x[0-9a-f]+$", "", m.group(2))
            last = cur[-1]
            # In a module a call's operand is a placeholder: the relocation
            # names the callee, and it is no branch within the function.
            if last.mnem.startswith(("call", "j")):
                last.target = sym
                last.branch = None
            else:
                # The relocation, not the placeholder comment, names the
                # operand (its addend only accounts for the instruction).
                last.sym = sym
                last.sym_off = False
            continue
        m = INSN.match(line)
        if not m:
            continue
        text = m.group(2) + (" " + m.group(3) if m.group(3) else "")
        text = text.split("#")[0].strip()
        parts = text.split()
        while len(parts) > 1 and parts[0] in PREFIXES:
            parts.pop(0)
        if not parts:
            continue
        insn = Insn(int(m.group(1), 16), parts[0], " ".join(parts[1:]))
        c = COMMENT.search(line)
        if c:
            insn.addr = int(c.group(1), 16)
            insn.sym = c.group(2)
            insn.sym_off = bool(c.group(3))
        if insn.mnem.startswith(("call", "j")):
            t = TARGET.match(insn.ops)
            if t:
                insn.target = t.group(2)
                if not insn.mnem.startswith("call"):
                    insn.branch = int(t.group(1), 16)
        cur.append(insn)
    return funcs


def operands(ops):
    """Split AT&T operands at top-level commas: '0x8(%rax,%rbx,4),%rdi'."""
    out, depth, cur = [], 0, ""
    for ch in ops:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        out.append(cur)
    return [o.strip() for o in out]


OTHER = ("other", None)


def effect(insn, reg, ranges, pointers):
    """What @insn does to @reg: ("keep", reg) if it leaves it alone,
    ("copy", src) if it copies another register into it, or the final
    (kind, cache) if it sets it."""
    if insn.mnem.startswith("call"):
        return OTHER if reg in CALLER_SAVED else ("keep", reg)
    if insn.mnem.startswith(STRING):
        return OTHER if reg in ("rdi", "rsi", "rcx") else ("keep", reg)
    ops = operands(insn.ops)
    if not ops or reg64(ops[-1]) != reg or insn.mnem.startswith(READ_ONLY):
        return ("keep", reg)
    if len(ops) != 2:
        return OTHER			# pop, xchg, ...: not a cache address
    src = ops[0]
    if insn.mnem.startswith("mov") and reg64(src):
        return ("copy", reg64(src))
    if insn.mnem.startswith("mov") and src.startswith("$"):
        if insn.sym in ranges:		# a module: the relocation names it
            return ("imm", ranges[insn.sym])
        try:
            val = int(src[1:], 16) & 0xffffffffffffffff
        except ValueError:
            return OTHER
        for key, name in ranges.items():
            if isinstance(key, tuple) and key[0] <= val < key[1]:
                return ("imm", name)
        return OTHER
    if insn.mnem.startswith("lea") and "(%rip)" in src and insn.sym in ranges:
        return ("imm", ranges[insn.sym])
    if insn.mnem.startswith("mov") and "(%rip)" in src and \
            insn.sym in pointers and not insn.sym_off:
        return ("load", pointers[insn.sym])
    return OTHER


def branch_sources(insns):
    """{address: [index of each branch within the function to it]}."""
    branches_to = collections.defaultdict(list)
    for k, insn in enumerate(insns):
        if insn.branch is not None:
            branches_to[insn.branch].append(k)
    return branches_to


def origin(insns, i, ranges, pointers, branches_to, limit=4000):
    """Where %rdi comes from at the call insns[i]: (kind, cache), kind
    load/imm/other and cache a converted cache name or None.  Walks the
    function's control flow backwards (fall-through and the branches of
    @branches_to, branch_sources() of @insns); every path must agree, and
    a path that loops contributes nothing."""
    found = set()
    seen = set()
    work = [(i, "rdi")]		# the value of reg just before insns[k]
    while work:
        k, reg = work.pop()
        if (k, reg) in seen:
            continue
        seen.add((k, reg))
        if len(seen) > limit:
            return OTHER
        preds = branches_to.get(insns[k].pc, [])[:]
        if k > 0 and insns[k - 1].falls_through():
            preds.append(k - 1)
        if not preds:
            return OTHER		# the function's entry: an argument
        for p in preds:
            e = effect(insns[p], reg, ranges, pointers)
            if e[0] == "keep":
                work.append((p, reg))
            elif e[0] == "copy":
                work.append((p, e[1]))
            else:
                found.add(e)
        if len(found) > 1 or OTHER in found:
            return OTHER
    return found.pop() if len(found) == 1 else OTHER


def count(funcs, ranges, pointers):
    """{cache: Counter(kind)} over every allocator call site, the number
    of sites attributed to no converted cache, and the sites themselves
    as (cache, function, callee, kind)."""
    per_cache = collections.defaultdict(collections.Counter)
    sites = []
    unattributed = 0
    for (name, _), insns in funcs.items():
        if name in ENTRY_POINTS:
            continue
        branches_to = None
        for i, insn in enumerate(insns):
            # Calls, tail calls and conditional tail calls.
            if not insn.mnem.startswith(("call", "j")):
                continue
            if insn.target not in ENTRY_POINTS:
                continue
            if branches_to is None:	# once per function, if needed
                branches_to = branch_sources(insns)
            kind, cache = origin(insns, i, ranges, pointers, branches_to)
            if cache is None:
                unattributed += 1
            else:
                per_cache[cache][kind] += 1
                sites.append((cache, name, insn.target, kind))
    return per_cache, unattributed, sites


def symbols(path):
    """{symbol: (address, size)} from nm -S."""
    out = subprocess.run(["nm", "-S", path], check=True, capture_output=True,
                         text=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4:
            syms[f[3]] = (int(f[0], 16), int(f[1], 16))
        elif len(f) == 3 and f[1] not in "Uw":
            syms.setdefault(f[2], (int(f[0], 16), 0))
    return syms


def tables(syms, caches, side, module):
    """What to look for in one object of one side: ranges ({instance
    symbol or (start, end): cache}), pointers ({pointer symbol: cache})
    and the caches present.  Both sides look for both kinds, so that a
    patched site that still loads a pointer is counted as a load."""
    ranges, pointers, present = {}, {}, []
    for name, base_sym, patched_sym, _ in caches:
        found = False
        if base_sym in syms:
            pointers[base_sym] = name
            found = True
        if side == "patched" and patched_sym in syms:
            addr, size = syms[patched_sym]
            ranges[patched_sym] = name
            if not module:
                ranges[(addr, addr + max(size, 1))] = name
            found = True
        if found:
            present.append(name)
    return ranges, pointers, present


def analyse(path, caches, side):
    """Counts for one object file of the base or the patched build:
    (caches present, {cache: Counter(kind)}, unattributed, sites)."""
    module = path.endswith(".ko")
    ranges, pointers, present = tables(symbols(path), caches, side, module)
    dis = subprocess.run(["objdump", "-d" + ("r" if module else ""),
                          "--no-show-raw-insn", path],
                         check=True, capture_output=True, text=True).stdout
    per_cache, unattributed, sites = count(parse(dis.splitlines()), ranges, pointers)
    return present, per_cache, unattributed, sites


def table(base_dir, patched_dir, caches=CONVERTED, listing=None):
    """Markdown table rows and totals for the two build directories, and
    the objects that could not be read; with a list as @listing, every
    site is appended to it as (side, cache, function, callee, kind)."""
    rows, errors = [], []
    tot = collections.Counter()
    by_file = collections.defaultdict(list)
    for c in caches:
        by_file[c[3]].append(c)
    results = {}
    for obj, cs in by_file.items():
        for side, d in (("base", base_dir), ("patched", patched_dir)):
            try:
                results[(obj, side)] = analyse(f"{d}/{obj}", cs, side)
            except (OSError, subprocess.CalledProcessError) as e:
                results[(obj, side)] = ([], {}, 0, [])
                errors.append(f"{d}/{obj}: {e}")
                continue
            tot[f"{side}_unattributed"] += results[(obj, side)][2]
            if listing is not None:
                listing.extend((side,) + site for site in results[(obj, side)][3])
    for name, _, _, obj in caches:
        bp, bc, _, _ = results[(obj, "base")]
        pp, pc, _, _ = results[(obj, "patched")]
        if name not in bp and name not in pp:
            rows.append(f"| {name} | {obj} | not built | | | | |")
            continue
        b = bc.get(name, collections.Counter())
        p = pc.get(name, collections.Counter())
        bsites, psites = sum(b.values()), sum(p.values())
        rows.append(f"| {name} | {obj} | {bsites} | {b['load']} | {psites} | "
                    f"{p['load']} | {p['imm']} |")
        tot.update({"base_sites": bsites, "base_load": b["load"],
                    "patched_sites": psites, "patched_load": p["load"],
                    "patched_imm": p["imm"]})
    return rows, tot, errors


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Count the allocator call sites of every converted slab "
        "cache in a base and a patched build, and how many load the cache "
        "pointer from memory first.  Reads vmlinux and the module objects "
        "of the two build directories with nm and objdump (about a minute). "
        "Exits 1 if an object could not be read.")
    builddirs.add(ap)
    ap.add_argument("--sites", action="store_true",
                    help="also list every call site: side, cache, function, "
                    "callee, load or imm")
    args = ap.parse_args(argv)
    builddirs.check(ap, args)
    listing = [] if args.sites else None
    rows, tot, errors = table(args.base, args.patched, listing=listing)
    print("| cache | object | base sites | base: load pointer | patched sites "
          "| patched: load | patched: address immediate |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(r)
    print(f"| **total** | | {tot['base_sites']} | {tot['base_load']} | "
          f"{tot['patched_sites']} | {tot['patched_load']} | {tot['patched_imm']} |")
    print(f"\nAllocator call sites whose cache is none of these (other caches, "
          f"or a converted one the trace lost): base {tot['base_unattributed']}, "
          f"patched {tot['patched_unattributed']}.")
    if tot["patched_load"]:
        print(f"\nfinding: {tot['patched_load']} patched call site(s) still "
              "load the cache pointer")
    if listing:
        print()
        for site in sorted(listing, key=lambda t: (t[1], t[0], t[2])):
            print("site", *site)
    for e in errors:
        print(f"callsites: error: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
