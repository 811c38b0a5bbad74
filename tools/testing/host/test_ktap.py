# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the runner's judgement (ktap.py) and of "xth evaluate".

The fixtures (fixtures/check/) are the console log of a real "make check"
run on the test host (pass.log), the same log with one guest test turned
into a failure (fail.log), and the payload's expect file of that run. That
log is from before the guests printed one nested KTAP document per boot:
the flat documents still parse (the tests of ParseTest and EvaluateTest
are in that format too); NestedTest covers the nested one.
"""

import os
import shutil
import subprocess
import sys
import tempfile
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
        exp = ktap.read_expectations("a\n# c\n!b  # canary\n\ndom0: p\na\n")
        self.assertEqual((exp.must_pass, exp.must_fail, exp.dom0),
                         (["a", "a"], ["b"], ["p"]))
        self.assertEqual(exp.plan, 3)


def suite(number, name, *cases, result=None):
    """A suite as a guest prints it in its boot's document: indented, then
    its result line (by default "ok", or "not ok" if a case failed)."""
    if result is None:
        result = "not ok" if any(c.startswith("not ok") for c in cases) \
            else "ok"
    return (["    KTAP version 1", f"    # Subtest: {name}",
             f"    1..{len(cases)}"] +
            [f"    {c}" for c in cases] + [f"{result} {number} {name}"])


def boot(plan, *suites):
    return ["[guest] " + line for line in
            ["KTAP version 1", f"1..{plan}"] + [x for s in suites for x in s]
            + ["XTH-GUEST: done rc=0"]]


class NestedTest(unittest.TestCase):
    """One KTAP document per guest, each suite a nested test."""

    def test_nested_document_ok(self):
        lines = boot(2, suite(1, "s", "ok 1 a", "ok 2 b"),
                     suite(2, "t", "ok 1 c"))
        docs, _, _ = ktap.parse(lines)
        self.assertEqual(len(docs), 1)
        self.assertEqual([(s.name, s.number, s.ok, len(s.cases))
                          for s in docs[0].suites],
                         [("s", 1, True, 2), ("t", 2, True, 1)])
        rep = ktap.evaluate(lines, ["s", "t"])
        self.assertEqual((rep.passed, rep.failed), (3, 0), rep.lines)
        self.assertIn("ok   s.b", rep.lines)

    def test_timestamps_before_the_indentation(self):
        # The last case's stamp lost its "[" on the serial port.
        lines = ["[guest] KTAP version 1", "[guest] 1..1",
                 "[guest] [   13.2]     KTAP version 1",
                 "[guest] [   13.2]     # Subtest: s",
                 "[guest] [   13.2]     1..2",
                 "[guest] [   13.3]     # a diagnostic",
                 "[guest] XTH-REQ 1 lsevtchn boot",
                 "[guest] [   14.0]     ok 1 a",
                 "[guest]    25.338335]     ok 2 b",
                 "[guest] ok 1 s", "[guest] XTH-GUEST: done rc=0"]
        rep = ktap.evaluate(lines, ["s"])
        self.assertEqual((rep.passed, rep.failed), (2, 0), rep.lines)

    def test_kernel_message_cuts_a_result_line(self):
        # make check, 2026-11-30: an RCU stall warning, which the guest's
        # kernel prints to the console, cut two case lines; the second
        # came back with only the stamp's last digit before its "]".
        lines = ["[guest] KTAP version 1", "[guest] 1..1",
                 "[guest] [   51.809156]     KTAP version 1",
                 "[guest] [   51.809156]     # Subtest: s",
                 "[guest] [   51.809156]     1..2",
                 "[guest] [   51.809156]     ok 1 connect_to_dom0_po"
                 "[   75.752935] rcu: INFO: rcu_preempt detected stalls",
                 "[guest] rt",
                 "[guest] [   52.60130[   75.752935] rcu: rcu_preempt "
                 "kthread starved for 5256 jiffies!",
                 "[guest] 9]     ok 2 round_trips",
                 "[guest] ok 1 s", "[guest] XTH-GUEST: done rc=0"]
        rep = ktap.evaluate(lines, ["s"])
        self.assertEqual((rep.passed, rep.failed), (2, 0), rep.lines)

    def test_missing_suite_fails(self):
        rep = ktap.evaluate(boot(3, suite(1, "s", "ok 1 a"),
                                 suite(2, "t", "ok 1 b")), ["s", "t", "u"])
        self.assertEqual((rep.passed, rep.failed), (2, 2), rep.lines)
        self.assertIn("FAIL guest: 1 of 3 planned suites never reported",
                      rep.lines)
        self.assertIn("FAIL u: suite never reported", rep.lines)

    def test_more_suites_than_planned_fail(self):
        rep = ktap.evaluate(boot(1, suite(1, "s", "ok 1 a"),
                                 suite(2, "t", "ok 1 b")), ["s"])
        self.assertEqual(rep.failed, 1)
        self.assertIn("2 suites reported, 1 planned", "\n".join(rep.lines))

    def test_not_ok_case_inside_suite(self):
        rep = ktap.evaluate(boot(1, suite(1, "s", "ok 1 a",
                                          "not ok 2 b # want 1, got 2")),
                            ["s"])
        self.assertEqual((rep.passed, rep.failed), (1, 1))
        self.assertIn("FAIL s.b # want 1, got 2", rep.lines)

    def test_suite_not_ok_for_its_own_reason(self):
        rep = ktap.evaluate(boot(1, suite(1, "s", "ok 1 a",
                                          result="not ok")), ["s"])
        self.assertEqual((rep.passed, rep.failed), (1, 1))

    def test_xfail_counts_as_pass(self):
        rep = ktap.evaluate(boot(1, suite(
            1, "storm_level_vector", "ok 1 lost # XFAIL 7 of 900 events lost")),
            ["storm_level_vector"])
        self.assertEqual((rep.passed, rep.failed), (1, 0))
        self.assertIn("ok   storm_level_vector.lost # XFAIL 7 of 900 events "
                      "lost", rep.lines)

    def test_skip(self):
        lines = boot(1, suite(1, "s", "ok 1 a # SKIP no PIRQs",
                              "ok 2 b # SKIP no PIRQs", result="ok"))
        lines[-2] += " # SKIP"
        docs, _, _ = ktap.parse(lines)
        self.assertTrue(docs[0].suites[0].skipped)
        rep = ktap.evaluate(lines, ["s"])
        self.assertEqual((rep.passed, rep.failed, rep.skipped), (0, 0, 2))

    def test_canary_must_fail(self):
        canary = suite(2, "xth_canary", "not ok 1 deliberately_failing # a canary")
        rep = ktap.evaluate(boot(2, suite(1, "s", "ok 1 a"), canary), ["s"],
                            ["xth_canary"])
        self.assertEqual((rep.passed, rep.failed), (2, 0), rep.lines)
        passing = suite(2, "xth_canary", "ok 1 deliberately_failing")
        rep = ktap.evaluate(boot(2, suite(1, "s", "ok 1 a"), passing), ["s"],
                            ["xth_canary"])
        self.assertEqual(rep.failed, 1)
        rep = ktap.evaluate(boot(2, suite(1, "s", "ok 1 a")), ["s"],
                            ["xth_canary"])
        self.assertEqual(rep.failed, 2)     # never reported; plan short

    def test_suite_cut_short(self):
        """The guest died inside a suite: no more cases, no result line."""
        lines = boot(2, suite(1, "s", "ok 1 a"),
                     ["    KTAP version 1", "    # Subtest: t", "    1..3",
                      "    ok 1 b"])
        rep = ktap.evaluate(lines, ["s", "t"])
        self.assertEqual((rep.passed, rep.failed), (2, 1), rep.lines)
        self.assertIn("FAIL t: 2 of 3 planned tests never reported", rep.lines)

    def test_suite_ended_before_its_plan(self):
        """ktap.sh's result line for a suite the next one cut short."""
        lines = boot(2, ["    KTAP version 1", "    # Subtest: s", "    1..2",
                         "    ok 1 a", "not ok 1 s # ended before its plan"],
                     suite(2, "t", "ok 1 b"))
        rep = ktap.evaluate(lines, ["s", "t"])
        self.assertEqual(rep.failed, 1, rep.lines)
        self.assertIn("FAIL s: 1 of 2 planned tests never reported", rep.lines)

    def test_result_outside_any_suite_fails(self):
        lines = boot(1, suite(1, "s", "ok 1 a"), ["ok 2 b"])
        rep = ktap.evaluate(lines, ["s"])
        self.assertEqual((rep.passed, rep.failed), (1, 1))
        self.assertIn("a result outside any suite", "\n".join(rep.lines))

    def test_lost_guest_then_retry(self):
        first = boot(2, suite(1, "s", "ok 1 a"),
                     ["    KTAP version 1", "    # Subtest: t", "    1..2"])
        lines = (["XTH-DOM0: guest created domid=1 (g)"] + first[:-1] +
                 ["(XEN) d1v0 Triple fault - invoking HVM shutdown action 1",
                  "XTH-DOM0: guest g lost to the emulated CPU; creating it "
                  "again (attempt 2 of 3)",
                  "XTH-DOM0: guest created domid=2 (g)"] +
                 boot(2, suite(1, "s", "ok 1 a"),
                      suite(2, "t", "ok 1 b", "ok 2 c")))
        rep = ktap.evaluate(lines, ["s", "t"])
        self.assertEqual((rep.passed, rep.failed), (3, 0), rep.lines)
        self.assertEqual(ktap.guests_recreated(lines), 1)
        # Without dom0's line, the half-run first guest fails the run.
        self.assertGreater(ktap.evaluate(
            [x for x in lines if "creating it again" not in x],
            ["s", "t"]).failed, 0)

    def test_dom0_suites_and_suites_reported_twice(self):
        dom0 = ["[dom0] KTAP version 1", "[dom0] # Subtest: dom0_peer",
                "[dom0] 1..1", "[dom0] ok 1 received"]
        lines = boot(2, suite(1, "mainline_style", "ok 1 a"),
                     suite(2, "mainline_style", "ok 1 a"))
        lines[4:4] = dom0
        rep = ktap.evaluate(lines, ["mainline_style"] * 2, dom0=["dom0_peer"])
        self.assertEqual((rep.passed, rep.failed), (3, 0), rep.lines)
        rep = ktap.evaluate(lines, ["mainline_style"] * 3, dom0=["dom0_peer"] * 2)
        self.assertIn("FAIL mainline_style: suite reported 2 of 3 times",
                      rep.lines)
        self.assertIn("FAIL dom0_peer: suite reported 1 of 2 times", rep.lines)

    def test_indented_kernel_warning_fails(self):
        lines = boot(1, suite(1, "s", "ok 1 a"))
        lines.insert(4, "[guest] [  9.1]     WARNING: CPU: 1 PID: 4 at x.c:1")
        self.assertEqual(ktap.evaluate(lines, ["s"]).failed, 1)

    def test_several_guests_in_one_boot(self):
        lines = boot(1, suite(1, "bench_xevtchn", "ok 1 a")) + \
            boot(1, suite(1, "bench_mainline", "ok 1 b"))
        docs, _, _ = ktap.parse(lines)
        self.assertEqual(len(docs), 2)
        rep = ktap.evaluate(lines, ["bench_xevtchn", "bench_mainline"])
        self.assertEqual((rep.passed, rep.failed), (2, 0))


BUSYBOX = shutil.which("busybox")


@unittest.skipUnless(BUSYBOX, "needs busybox, the guest's shell")
class GuestShellTest(unittest.TestCase):
    """ktap.sh and guest-init.sh's part, run with busybox as in the guest:
    the document they print is what the runner judges."""

    def run_guest(self, script, plan):
        with tempfile.TemporaryDirectory() as tmp:
            bindir = Path(tmp) / "bin"
            bindir.mkdir()
            for tool in ("awk", "cat", "cut", "grep", "printf", "rm", "sed",
                         "tr"):
                (bindir / tool).symlink_to(BUSYBOX)
            state = Path(tmp) / "state"
            shell = (f". {HERE.parents[0] / 'payloads/ktap.sh'}\n"
                     f"KTAP_STATE={state}\n"
                     f"ktap_boot {plan}\n{script}\nktap_boot_end\n"
                     "echo 'XTH-GUEST: done rc=0'\n")
            out = subprocess.run([BUSYBOX, "sh", "-c", shell],
                                 capture_output=True, text=True, check=True,
                                 env=dict(os.environ, PATH=str(bindir)))
        return ["[guest] " + line for line in out.stdout.splitlines()]

    KMSG = ("printf '%s\\n' '[   13.2] KTAP version 1' "
            "'[   13.2] # Subtest: many_ports' '[   13.2] 1..2' "
            "'[   13.3] # opened 1023' '[   14.0] ok 1 open_until_full' | "
            "ktap_only\n"
            "printf '%s\\n' '[   14.1] ok 2 nr_channels # SKIP no FIFO' | "
            "ktap_only\n")

    def test_kernel_and_shell_suites_nest(self):
        lines = self.run_guest(self.KMSG + "ktap_start xen_ports 2\n"
                               "echo 'XTH-REQ 1 lsevtchn-compare a b'\n"
                               "ktap_expect same same same\n"
                               "ktap_check listed true\n", 2)
        self.assertIn("[guest] [   13.2]     # Subtest: many_ports", lines)
        self.assertIn("[guest] ok 1 many_ports", lines)
        self.assertIn("[guest] ok 2 xen_ports", lines)
        rep = ktap.evaluate(lines, ["many_ports", "xen_ports"])
        self.assertEqual((rep.passed, rep.failed, rep.skipped), (3, 0, 1),
                         rep.lines)

    def test_failures_and_a_suite_cut_short(self):
        lines = self.run_guest("ktap_start s 2\nktap_expect a 1 2\n"
                               "ktap_start t 3\nktap_ok b\n", 2)
        self.assertIn("[guest] not ok 1 s # ended before its plan", lines)
        self.assertIn("[guest] not ok 2 t # ended before its plan", lines)
        rep = ktap.evaluate(lines, ["s", "t"])
        self.assertEqual((rep.passed, rep.failed), (1, 3), rep.lines)

    def test_canary_and_xfail(self):
        lines = self.run_guest(
            "printf '%s\\n' '[ 1.0] KTAP version 1' '[ 1.0] # Subtest: neg' "
            "'[ 1.0] 1..1' '[ 1.1] ok 1 lost # XFAIL 3 lost' | ktap_only\n"
            "ktap_start xth_canary 1\nktap_fail deliberately_failing why\n",
            2)
        self.assertIn("[guest] ok 1 neg", lines)
        self.assertIn("[guest] not ok 2 xth_canary", lines)
        rep = ktap.evaluate(lines, ["neg"], ["xth_canary"])
        self.assertEqual((rep.passed, rep.failed), (2, 0), rep.lines)

    def test_without_a_boot_document_suites_stay_flat(self):
        shell = (f". {HERE.parents[0] / 'payloads/ktap.sh'}\n"
                 "KTAP_STATE=/nonexistent/state\n"
                 "ktap_start s 1\nktap_ok a\n")
        out = subprocess.run([BUSYBOX, "sh", "-c", shell], check=True,
                             capture_output=True, text=True).stdout
        self.assertEqual(out.splitlines(), ["KTAP version 1", "# Subtest: s",
                                            "1..1", "ok 1 a"])


class RecordedRunTest(unittest.TestCase):
    """A failing guest test makes the runner (and so make check) fail."""

    def evaluate(self, name, payload=RECORDED):
        return subprocess.run(
            [sys.executable, str(HERE / "xth"), "evaluate",
             "--log", str(RECORDED / name), "--payload", str(payload)],
            capture_output=True, text=True)

    def test_recorded_passing_run_passes(self):
        run = self.evaluate("pass.log")
        self.assertEqual(run.returncode, 0, run.stdout)
        self.assertRegex(run.stdout.splitlines()[-1], r"^\d+ passed, 0 failed(, \d+ skipped)?$")

    def test_boot_of_several_guests_expects_what_each_lists(self):
        # No expect file of the boot's own: each guest's, in turn. The
        # recorded run's list split over two guests passes; a suite only
        # the second guest's list names is missed, so its list is read.
        lines = (RECORDED / "expect").read_text().splitlines()
        half = len(lines) // 2
        with tempfile.TemporaryDirectory() as tmp:
            boot = Path(tmp)
            (boot / "guests").write_text("one\ntwo\n")
            for name, part in (("one", lines[:half]), ("two", lines[half:])):
                (boot / name).mkdir()
                (boot / name / "expect").write_text("\n".join(part) + "\n")
            run = self.evaluate("pass.log", boot)
            self.assertEqual(run.returncode, 0, run.stdout)
            with open(boot / "two" / "expect", "a") as f:
                f.write("only_in_the_second_list\n")
            run = self.evaluate("pass.log", boot)
            self.assertEqual(run.returncode, 1, run.stdout)
            self.assertIn("only_in_the_second_list", run.stdout)

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
        # The x86 BUG(): its header has no "BUG:", but every die()
        # header ends with the oops count.
        self.assertFalse(ktap.lost_to_emulator(
            ["[guest] [  5.1] kernel BUG at drivers/xen/x.c:12!",
             self.TRIPLE]))
        self.assertFalse(ktap.lost_to_emulator(
            ["[guest] [  5.1] invalid opcode: 0000 [#1] PREEMPT SMP NOPTI",
             self.TRIPLE]))
        self.assertFalse(ktap.lost_to_emulator(
            ["[guest] [  5.1] stack segment: 0000 [#1] PREEMPT SMP NOPTI",
             self.TRIPLE]))

    def test_no_triple_fault_is_not_the_emulator(self):
        self.assertFalse(ktap.lost_to_emulator(
            ["[guest] not ok 1 a", "XTH-DOM0: FAILED: x"]))
