# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the runner's judgement (ktap.py) and of "xth evaluate".

The fixtures (fixtures/check/) are the console log of a real "make check"
run on the test host (pass.log), the same log with one guest test turned
into a failure (fail.log), and the payload's expect file of that run.
"""

import subprocess
import sys
import unittest
from pathlib import Path

import ktap

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "fixtures" / "check"


def doc(*lines, source="[guest] "):
    return [source + line for line in lines] + [
        "[guest] XTH-GUEST: done rc=0"]


class ParseTest(unittest.TestCase):
    def test_classify_sources(self):
        self.assertEqual(ktap.classify("(XEN) Xen version 4.17\r\n"),
                         (ktap.XEN, "Xen version 4.17"))
        self.assertEqual(ktap.classify("[guest] ok 1 a"), (ktap.GUEST, "ok 1 a"))
        self.assertEqual(ktap.classify("[dom0] ok 1 a"),
                         (ktap.DOM0_PAYLOAD, "ok 1 a"))
        self.assertEqual(ktap.classify("XTH-DOM0: init"), (ktap.DOM0, "XTH-DOM0: init"))

    def test_timestamps_are_stripped(self):
        docs, _, _ = ktap.parse(doc("[    5.5] KTAP version 1",
                                    "[    5.5] # Subtest: s", "[    5.5] 1..1",
                                    "[    5.6] ok 1 first"))
        self.assertEqual(docs[0].name, "s")
        self.assertEqual(docs[0].plan, 1)
        self.assertEqual([(r.name, r.ok) for r in docs[0].results], [("first", True)])

    def test_directive_and_skip(self):
        docs, _, _ = ktap.parse(doc("KTAP version 1", "1..2",
                                    "not ok 1 a # want 1, got 2",
                                    "ok 2 b # SKIP no PIRQs"))
        a, b = docs[0].results
        self.assertEqual((a.ok, a.directive), (False, "want 1, got 2"))
        self.assertTrue(b.skipped)


class EvaluateTest(unittest.TestCase):
    def test_all_pass(self):
        rep = ktap.evaluate(doc("KTAP version 1", "# Subtest: s", "1..2",
                                "ok 1 a", "ok 2 b"), ["s"])
        self.assertEqual((rep.passed, rep.failed), (2, 0))
        self.assertEqual(rep.summary, "2 passed, 0 failed")

    def test_failure_counts(self):
        rep = ktap.evaluate(doc("KTAP version 1", "1..2", "ok 1 a",
                                "not ok 2 b # broken"))
        self.assertEqual((rep.passed, rep.failed), (1, 1))
        self.assertIn("FAIL guest#1.b # broken", rep.lines)

    def test_negative_control_reports_xfail(self):
        rep = ktap.evaluate(doc("KTAP version 1", "# Subtest: s", "1..2",
                                "ok 1 a # XFAIL 7 of 900 events lost",
                                "not ok 2 b # expected to fail, did not"),
                            ["s"])
        self.assertEqual((rep.passed, rep.failed), (1, 1))
        self.assertIn("ok   s.a # XFAIL 7 of 900 events lost", rep.lines)

    def test_missing_planned_tests_fail(self):
        rep = ktap.evaluate(doc("KTAP version 1", "# Subtest: s", "1..3",
                                "ok 1 a"))
        self.assertEqual(rep.failed, 1)
        self.assertIn("2 of 3 planned", rep.lines[-1])

    def test_misnumbered_result_fails(self):
        rep = ktap.evaluate(doc("KTAP version 1", "1..2", "ok 1 a", "ok 3 b"))
        self.assertEqual(rep.failed, 1)

    def test_expected_suite_missing_fails(self):
        rep = ktap.evaluate(doc("KTAP version 1", "# Subtest: s", "1..1",
                                "ok 1 a"), must_pass=["s", "t"])
        self.assertEqual(rep.failed, 1)
        self.assertIn("t: suite never reported", rep.lines[-1])

    def test_canary_must_fail(self):
        lines = doc("KTAP version 1", "# Subtest: canary", "1..1",
                    "not ok 1 deliberately_failing")
        self.assertEqual(ktap.evaluate(lines, must_fail=["canary"]).failed, 0)
        lines = doc("KTAP version 1", "# Subtest: canary", "1..1", "ok 1 x")
        self.assertEqual(ktap.evaluate(lines, must_fail=["canary"]).failed, 1)
        self.assertEqual(ktap.evaluate(doc("KTAP version 1", "1..1", "ok 1 a"),
                                       must_fail=["canary"]).failed, 1)

    def test_kernel_warning_fails_the_run(self):
        lines = doc("KTAP version 1", "1..1", "ok 1 a",
                    "[   9.1] WARNING: CPU: 1 PID: 42 at events.c:10 f+0x1/0x2")
        rep = ktap.evaluate(lines)
        self.assertEqual((rep.passed, rep.failed), (1, 1))

    def test_guest_script_status_counts(self):
        lines = ["[guest] KTAP version 1", "[guest] 1..1", "[guest] ok 1 a"]
        self.assertEqual(ktap.evaluate(lines + ["[guest] XTH-GUEST: done rc=2"]).failed, 1)
        self.assertEqual(ktap.evaluate(lines).failed, 1)      # never finished
        self.assertEqual(ktap.evaluate(lines, completed=False).failed, 0)

    def test_any_guest_of_a_boot_failing_counts(self):
        lines = ["[guest] KTAP version 1", "[guest] 1..1", "[guest] ok 1 a"]
        first_fails = lines + ["[guest] XTH-GUEST: done rc=1"] + lines + \
            ["[guest] XTH-GUEST: done rc=0"]
        self.assertEqual(ktap.evaluate(first_fails).failed, 1)

    def test_a_guest_created_again_counts_once(self):
        ok = ["[guest] KTAP version 1", "[guest] 1..2", "[guest] ok 1 a",
              "[guest] ok 2 b"]
        lines = ["XTH-DOM0: guest created domid=1 (g)",
                 "[guest] KTAP version 1", "[guest] 1..2", "[guest] ok 1 a",
                 "(XEN) d1v0 Triple fault - invoking HVM shutdown action 1",
                 "XTH-DOM0: guest g lost to the emulated CPU; creating it "
                 "again (attempt 2 of 3)",
                 "XTH-DOM0: guest created domid=2 (g)"] + ok + \
            ["[guest] XTH-GUEST: done rc=0"]
        rep = ktap.evaluate(lines)
        self.assertEqual((rep.passed, rep.failed), (2, 0))
        self.assertEqual(ktap.guests_recreated(lines), 1)
        self.assertFalse(ktap.lost_to_emulator(lines))
        # Without dom0's line, the half-run first guest fails the run.
        self.assertEqual(ktap.evaluate(lines[:5] + lines[6:]).failed, 1)

    def test_no_output_at_all_fails(self):
        self.assertEqual(ktap.evaluate(["[guest] XTH-GUEST: done rc=0"]).failed, 1)

    def test_dom0_payload_documents_are_separate(self):
        lines = ["[guest] KTAP version 1", "[guest] 1..2", "[guest] ok 1 g1",
                 "[dom0] KTAP version 1", "[dom0] 1..1", "[dom0] ok 1 d1",
                 "[guest] ok 2 g2", "[guest] XTH-GUEST: done rc=0"]
        rep = ktap.evaluate(lines)
        self.assertEqual((rep.passed, rep.failed), (3, 0))

    def test_expectations_file(self):
        self.assertEqual(ktap.read_expectations("a\n# c\n!b  # canary\n\n"),
                         (["a"], ["b"]))


class RecordedRunTest(unittest.TestCase):
    """A failing guest test makes the runner (and so make check) fail."""

    def evaluate(self, name):
        return subprocess.run(
            [sys.executable, str(HERE / "xth"), "evaluate",
             "--log", str(RECORDED / name), "--payload", str(RECORDED)],
            capture_output=True, text=True)

    def test_recorded_passing_run_passes(self):
        run = self.evaluate("pass.log")
        self.assertEqual(run.returncode, 0, run.stdout)
        self.assertRegex(run.stdout.splitlines()[-1], r"^\d+ passed, 0 failed(, \d+ skipped)?$")

    def test_recorded_failing_run_fails(self):
        run = self.evaluate("fail.log")
        self.assertEqual(run.returncode, 1, run.stdout)
        self.assertIn("FAIL xevtchn_hypervisor.hypercall_version_matches_cpuid",
                      run.stdout)
        self.assertRegex(run.stdout.splitlines()[-1], r"^\d+ passed, 1 failed(, \d+ skipped)?$")


if __name__ == "__main__":
    unittest.main()


class LostToEmulatorTest(unittest.TestCase):
    TRIPLE = "(XEN) d1v1 Triple fault - invoking HVM shutdown action 1"

    def test_silent_triple_fault_is_the_emulator(self):
        self.assertTrue(ktap.lost_to_emulator(
            ["[guest] ok 1 a", self.TRIPLE, "XTH-DOM0: FAILED: x"]))

    def test_guest_oops_is_the_guest(self):
        self.assertFalse(ktap.lost_to_emulator(
            ["[guest] [  5.1] BUG: unable to handle page fault", self.TRIPLE]))
        self.assertFalse(ktap.lost_to_emulator(
            ["[guest] [  5.1] traps: PANIC: double fault", self.TRIPLE]))

    def test_no_triple_fault_is_not_the_emulator(self):
        self.assertFalse(ktap.lost_to_emulator(
            ["[guest] not ok 1 a", "XTH-DOM0: FAILED: x"]))
