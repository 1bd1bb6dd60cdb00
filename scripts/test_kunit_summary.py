"""scripts/kunit-summary.py on kunit.py's JSON of a real x86_64 run
(scripts/testdata/kunit-x86_64.json) and on a hand-made one."""
import importlib.util
import json
import os
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("kunit_summary", os.path.join(HERE, "kunit-summary.py"))
ks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ks)


class Summary(unittest.TestCase):
    def test_saved_run(self):
        with open(os.path.join(HERE, "testdata", "kunit-x86_64.json"), encoding="utf-8") as f:
            lines = ks.summary(json.load(f))
        with open(os.path.join(HERE, "testdata", "kunit-x86_64-summary.txt"), encoding="utf-8") as f:
            self.assertEqual(lines, f.read().splitlines())
        self.assertIn("case slab_static.static_alias_kfence PASS", lines)
        self.assertIn("case kmalloc_reclaimable.buckets_large_counted.8193 PASS", lines)
        self.assertIn("suite slub_test PASS", lines)

    def test_counts_and_paths(self):
        top = {"name": "KUnit Test Group", "test_cases": [], "sub_groups": [
            {"name": "s", "test_cases": [{"name": "a", "status": "PASS"},
                                         {"name": "b", "status": "FAIL"}],
             "sub_groups": [{"name": "p", "test_cases": [{"name": "1", "status": "SKIP"}]}]},
            {"name": "t", "test_cases": [{"name": "c", "status": "SKIP"}]},
            {"name": "u", "test_cases": [{"name": "d", "status": "weird"}]}]}
        self.assertEqual(ks.summary(top), [
            "passed 1", "failed 2", "skipped 2", "failure s.b", "failure u.d",
            "case s.a PASS", "case s.b FAIL", "case s.p.1 SKIP", "case t.c SKIP", "case u.d FAIL",
            "suite s FAIL", "suite t SKIP", "suite u FAIL"])


if __name__ == "__main__":
    unittest.main()
