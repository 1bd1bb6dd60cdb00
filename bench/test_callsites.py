#!/usr/bin/env python3
"""Tests of bench/callsites.py on saved objdump output (bench/testdata/):
real functions of the base and the patched build, vmlinux and module.
Run: python3 -m unittest discover -s bench -p 'test_*.py'"""
import os
import unittest

import callsites

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata")
# nm -S of the patched vmlinux the fixtures come from.
NAMES_CACHE = (0xffffffff81b42d80, 0xffffffff81b42d80 + 0x100)


def sites(fixture, ranges=None, pointers=None):
    with open(os.path.join(DATA, fixture), encoding="utf-8") as f:
        funcs = callsites.parse(f)
    _, unattributed, found = callsites.count(funcs, ranges or {}, pointers or {})
    return sorted((cache, func, callee, kind)
                  for cache, func, callee, kind in found), unattributed


class Vmlinux(unittest.TestCase):
    def test_base_loads_the_pointer(self):
        # Two sites: a call, and a tail call reached only by a branch from
        # before the call, past a jmp and a ret the scan must not cross.
        found, other = sites("callsites-base-putname.txt",
                             pointers={"names_cachep": "names_cache"})
        self.assertEqual(found, [
            ("names_cache", "putname", "kmem_cache_free", "load")] * 2)
        self.assertEqual(other, 0)

    def test_patched_has_the_address(self):
        found, other = sites("callsites-patched-putname.txt",
                             ranges={NAMES_CACHE: "names_cache",
                                     "names_cache": "names_cache"})
        self.assertEqual(found, [
            ("names_cache", "putname", "kmem_cache_free", "imm")] * 2)
        self.assertEqual(other, 0)

    def test_unknown_symbols_are_not_attributed(self):
        found, other = sites("callsites-base-putname.txt",
                             pointers={"filp_cachep": "filp"})
        self.assertEqual(found, [])
        self.assertEqual(other, 2)

    def test_address_outside_the_instance(self):
        lo, hi = NAMES_CACHE
        found, other = sites("callsites-patched-putname.txt",
                             ranges={(hi, hi + 0x100): "names_cache"})
        self.assertEqual((found, other), ([], 2))


class Tables(unittest.TestCase):
    CACHES = (("names_cache", "names_cachep", "names_cache", "vmlinux"),
              ("filp", "filp_cachep", "filp_cache", "vmlinux"))

    def test_patched_side_also_looks_for_pointers(self):
        # A converted cache whose pointer survived in the patched build is
        # counted as a load there, not lost.
        syms = {"names_cachep": (0xffffffff816f5058, 8),
                "filp_cache": (0xffffffff81b42400, 0x100)}
        ranges, pointers, present = callsites.tables(syms, self.CACHES, "patched", False)
        self.assertEqual(pointers, {"names_cachep": "names_cache"})
        self.assertEqual(ranges[(0xffffffff81b42400, 0xffffffff81b42500)], "filp")
        self.assertEqual(sorted(present), ["filp", "names_cache"])
        found, other = sites("callsites-base-putname.txt", ranges, pointers)
        self.assertEqual([k for *_, k in found], ["load", "load"])

    def test_base_side_has_no_instances(self):
        syms = {"names_cachep": (1, 8), "names_cache": (2, 0x100)}
        ranges, pointers, _ = callsites.tables(syms, self.CACHES, "base", False)
        self.assertEqual((ranges, pointers), ({}, {"names_cachep": "names_cache"}))


class Module(unittest.TestCase):
    def test_base_relocation_of_the_pointer(self):
        found, other = sites("callsites-base-configfs_dir_close.txt",
                             pointers={"configfs_dir_cachep": "configfs_dir_cache"})
        self.assertEqual(found, [("configfs_dir_cache", "configfs_dir_close",
                                  "kmem_cache_free", "load")])
        self.assertEqual(other, 0)

    def test_patched_relocation_of_the_instance(self):
        found, other = sites("callsites-patched-configfs_dir_close.txt",
                             ranges={"configfs_dir_cache": "configfs_dir_cache"})
        self.assertEqual(found, [("configfs_dir_cache", "configfs_dir_close",
                                  "kmem_cache_free", "imm")])
        self.assertEqual(other, 0)


class Flow(unittest.TestCase):
    """Hand-made functions for what the real ones above do not show."""

    def expect(self, text, per_cache, unattributed):
        """@text, with x_cachep the pointer of cache "x", has these counts."""
        got, other, _ = callsites.count(callsites.parse(text.splitlines()),
                                        {}, {"x_cachep": "x"})
        self.assertEqual((dict(got), other), (per_cache, unattributed))

    def test_argument_is_not_a_cache(self):
        text = """ffffffff81000000 <f>:
ffffffff81000000:\tmov    %rdi,%rbx
ffffffff81000003:\tmov    %rbx,%rdi
ffffffff81000006:\tjmp    ffffffff81100000 <kmem_cache_free>
"""
        self.expect(text, {}, 1)

    def test_paths_that_disagree(self):
        text = """ffffffff81000000 <f>:
ffffffff81000000:\ttest   %esi,%esi
ffffffff81000002:\tje     ffffffff8100000b <f+0xb>
ffffffff81000004:\tmov    0x100(%rip),%rdi        # ffffffff82000000 <x_cachep>
ffffffff8100000b:\tcall   ffffffff81100000 <kmem_cache_alloc_noprof>
ffffffff81000010:\tret
"""
        self.expect(text, {}, 1)

    def test_callee_saved_register_across_a_call(self):
        text = """ffffffff81000000 <f>:
ffffffff81000000:\tmov    0x100(%rip),%rbx        # ffffffff82000000 <x_cachep>
ffffffff81000007:\tcall   ffffffff81200000 <g>
ffffffff8100000c:\tmov    %rbx,%rdi
ffffffff8100000f:\tcall   ffffffff81100000 <kmem_cache_free>
ffffffff81000014:\tret
"""
        self.expect(text, {"x": {"load": 1}}, 0)

    def test_compare_does_not_write(self):
        text = """ffffffff81000000 <f>:
ffffffff81000000:\tmov    0x100(%rip),%rdi        # ffffffff82000000 <x_cachep>
ffffffff81000007:\tcmp    %rsi,%rdi
ffffffff8100000a:\tcs jne ffffffff81100000 <kmem_cache_free>
ffffffff81000010:\tret
"""
        self.expect(text, {"x": {"load": 1}}, 0)

    def test_byte_register_write_is_seen(self):
        text = """ffffffff81000000 <f>:
ffffffff81000000:\tmov    0x100(%rip),%rdi        # ffffffff82000000 <x_cachep>
ffffffff81000007:\tsetne  %dil
ffffffff8100000b:\tcall   ffffffff81100000 <kmem_cache_free>
ffffffff81000010:\tret
"""
        self.expect(text, {}, 1)

    def test_load_at_an_offset_is_not_the_pointer(self):
        text = """ffffffff81000000 <f>:
ffffffff81000000:\tmov    0x108(%rip),%rdi        # ffffffff82000008 <x_cachep+0x8>
ffffffff81000007:\tcall   ffffffff81100000 <kmem_cache_free>
ffffffff8100000c:\tret
"""
        self.expect(text, {}, 1)

    def test_same_name_static_functions_are_kept_apart(self):
        text = """ffffffff81000000 <f>:
ffffffff81000000:\tmov    0x100(%rip),%rdi        # ffffffff82000000 <x_cachep>
ffffffff81000010 <f>:
ffffffff81000010:\tcall   ffffffff81100000 <kmem_cache_free>
ffffffff81000015:\tret
"""
        self.expect(text, {}, 1)

    def test_caller_saved_register_clobbered_by_a_call(self):
        text = """ffffffff81000000 <f>:
ffffffff81000000:\tmov    0x100(%rip),%rdi        # ffffffff82000000 <x_cachep>
ffffffff81000007:\tcall   ffffffff81200000 <g>
ffffffff8100000c:\tcall   ffffffff81100000 <kmem_cache_free>
ffffffff81000011:\tret
"""
        self.expect(text, {}, 1)


if __name__ == "__main__":
    unittest.main()
