#!/usr/bin/env python3
"""Tests of bench/fastpath.py on saved objdump output (bench/testdata/):
kmem_cache_alloc_noprof() of the base and of the patched default bench
build.  Run: python3 -m unittest discover -s bench -p 'test_*.py'"""
import os
import unittest

import fastpath

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata")
FUNC = "kmem_cache_alloc_noprof"


def load(side):
    path = os.path.join(DATA, f"fastpath-{side}-{FUNC}.txt")
    with open(path, encoding="utf-8") as f:
        return fastpath.instructions(f, FUNC)


class FastPath(unittest.TestCase):
    def test_same_sequence_moved_fields(self):
        base, patched = load("base"), load("patched")
        self.assertEqual(fastpath.summary(base)["insns"], 105)
        same, diff, moved = fastpath.compare(base, patched)
        self.assertTrue(same, "\n".join(diff))
        # Fields of struct kmem_cache (%r12) the series moved.
        self.assertIn((0xb8, 0xd0, "%r12"), moved)
        self.assertTrue(all(r == "%r12" for _, _, r in moved))

    def test_an_extra_load_is_found(self):
        base, patched = load("base"), load("patched")
        patched.insert(20, (0, "mov", "0x40(%r12),%rax", None))
        same, diff, _ = fastpath.compare(base, patched)
        self.assertFalse(same)
        self.assertTrue(any(line.startswith("+mov D(%r12),%rax") for line in diff))
        self.assertEqual(fastpath.summary(patched)["memory"],
                         fastpath.summary(base)["memory"] + 1)

    def test_an_extra_branch_is_found(self):
        base, patched = load("base"), load("patched")
        patched.insert(30, (0, "je", "ffffffff81140000 <kmem_cache_alloc_noprof+0x99>", None))
        self.assertFalse(fastpath.compare(base, patched)[0])
        self.assertEqual(fastpath.summary(patched)["branches"],
                         fastpath.summary(base)["branches"] + 1)

    def replaced(self, pred, new):
        """The patched function with the first instruction matching @pred
        replaced by @new(old)."""
        patched = load("patched")
        k = next(i for i, insn in enumerate(patched) if pred(insn))
        patched[k] = new(patched[k])
        return patched

    def test_another_callee_is_found(self):
        patched = self.replaced(lambda i: "<___slab_alloc>" in i[2],
                                lambda i: (i[0], i[1], i[2].replace("___slab_alloc", "new_helper"), i[3]))
        same, diff, _ = fastpath.compare(load("base"), patched)
        self.assertFalse(same)
        self.assertIn("+call <new_helper>", diff)

    def test_another_flag_mask_is_found(self):
        patched = self.replaced(lambda i: i[1] == "testl" and "$0x204" in i[2],
                                lambda i: (i[0], i[1], i[2].replace("$0x204", "$0x1000000"), i[3]))
        self.assertFalse(fastpath.compare(load("base"), patched)[0])

    def test_another_branch_target_is_found(self):
        # A branch within the function retargeted to its first instruction.
        patched = load("patched")
        first = patched[0][0]
        k = next(k for k, insn in enumerate(patched)
                 if insn[1] == "je" and "<kmem_cache_alloc_noprof+" in insn[2])
        patched[k] = (patched[k][0], "je", f"{first:x} <kmem_cache_alloc_noprof>", None)
        same, diff, _ = fastpath.compare(load("base"), patched)
        self.assertFalse(same)
        self.assertTrue(any(line.startswith("+je ") for line in diff), diff)

    def test_another_global_is_found(self):
        patched = self.replaced(lambda i: i[3] == "init_on_free",
                                lambda i: (i[0], i[1], i[2], "init_on_alloc"))
        self.assertFalse(fastpath.compare(load("base"), patched)[0])

    def test_other_function_is_not_read(self):
        path = os.path.join(DATA, f"fastpath-base-{FUNC}.txt")
        with open(path, encoding="utf-8") as f:
            self.assertEqual(fastpath.instructions(f, "kmem_cache_free"), [])


if __name__ == "__main__":
    unittest.main()
