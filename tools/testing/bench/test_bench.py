# SPDX-License-Identifier: GPL-2.0
"""Unit tests of bench.py (no boot needed): its reading of the console logs,
its arithmetic and its verdict rule; and that the bench payloads' expect
file matches what the guests report. make runner-tests runs them:
python3 -m unittest discover -s tools/testing/bench -p 'test_*.py'"""

import contextlib
import io
import json
import math
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[0] / "host"))
import bench  # noqa: E402
import ktap  # noqa: E402

PAYLOADS = HERE.parents[0] / "payloads" / "bench"
LAYER_OF = {"A": bench.OURS, "B": bench.MAINLINE}
SUITE_OF = {bench.OURS: "bench_xevtchn", bench.MAINLINE: "bench_mainline"}


def figure_lines(layer, scale=1.0, floor=60000, drop=()):
    """A guest's "# bench" lines as its benchmark module prints them: the
    times of one layer multiplied by @scale, every normaliser @floor;
    workloads in @drop left out."""
    def ns(v):
        return int(v * scale)
    norm = f"floor_ns={floor} eoi_ns={floor // 2}"
    lines = [
        f"layer={layer} samples=2000 warmup=200 abi=fifo ports=4096 "
        f"clock=tsc",
        "clock_read source=tsc p50_ns=40 ktime_p50_ns=30000 tsc_p50_ns=40 "
        "xen_tsc_flags=0x4 xen_tsc_mode=2 xen_tsc_khz=2300000",
        "tsc_cpu1_offset low_ns=-300 high_ns=400",
        f"send_masked_floor samples=2000 p50_ns={floor} p99_ns={floor * 2}",
        f"apic_eoi samples=2000 p50_ns={ns(40000)} p99_ns={ns(80000)} "
        f"x2apic={int(layer == bench.MAINLINE)}",
        f"latency_same_cpu samples=2000 p50_ns={ns(200000)} "
        f"p99_ns={ns(400000)} max_ns={ns(900000)} {norm}",
        f"latency_cross_cpu_busy samples=2000 p50_ns={ns(250000)} "
        f"p99_ns={ns(500000)} max_ns={ns(900000)} {norm}",
        f"latency_cross_cpu_idle samples=2000 p50_ns={ns(300000)} "
        f"p99_ns={ns(600000)} max_ns={ns(900000)} {norm}",
        f"ipi_round_trip_busy samples=2000 p50_ns={ns(280000)} "
        f"p99_ns={ns(560000)} max_ns={ns(900000)} {norm}",
        f"throughput_64_channels_busy channels=64 rounds=31 "
        f"round_p50_ns={ns(6400000)} events_per_s={int(10000 / scale)} "
        f"{norm}",
        f"dom0_round_trip samples=2000 p50_ns={ns(1000000)} "
        f"p99_ns={ns(2000000)} max_ns={ns(3000000)} {norm}",
        f"upcall_fifo_ports_1 bound=3 samples=2000 p50_ns={ns(150000)} "
        f"p99_ns={ns(300000)} {norm}",
        f"bind_fifo_ports_4096 ports=4093 p50_ns={ns(800000)} {norm}",
        f"upcall_fifo_ports_4096 bound=4094 samples=2000 "
        f"p50_ns={ns(160000)} p99_ns={ns(320000)} {norm}",
        f"unbind_one_fifo_ports_4096 ports=100 returned_p50_ns={ns(400000)} "
        f"drained_p50_ns={ns(9000000)} {norm}",
        f"unbind_batch_fifo_ports_4096 ports=3993 "
        f"returned_p50_ns={ns(300000)} drained_ns_per_port={ns(310000)} "
        f"{norm}",
    ]
    return [f"# bench {line} end" for line in lines
            if line.split()[0] not in drop]


def flood_lines(layer, kept, lost=0, stalls=0):
    """A guest's flood suites as bench_flood relays them, each with its
    figure line (the workload kept @kept per mille) and the shell's."""
    side = "ours" if layer == bench.OURS else "mainline"
    ts = "[   80.123456]     "
    lines = []
    for n, mode in enumerate(("plain", "lateeoi"), 2):
        lines += [f"[guest]     KTAP version 1",
                  f"[guest]     # Subtest: flood_{mode}_{side}",
                  "[guest]     1..1",
                  f"[guest] {ts}# bench flood_{mode} kept_permille={kept} "
                  f"work_unflooded_per_s=1000 work_flooded_per_s={kept} "
                  f"handled_per_s=5000 dom0_per_s=20000 longest_gap_ms=900 "
                  f"port_gap_ms=800 lost={lost} doubled=0 end",
                  "[guest]     ok 1 loopback_none_lost",
                  f"[guest] # bench flood_log_{mode} module_rc=0 "
                  f"stalls={stalls} end",
                  f"[guest] ok {n} flood_{mode}_{side}"]
    return lines


def guest_lines(layer, domid, scale=1.0, floor=60000, drop=(),
                cdf_base=100, flood=None, stalls=0):
    """One guest's console lines, as the runner records them: dom0's
    "guest created" line, the guest's own lines with their prefix, its
    benchmark's KTAP suite relayed as ktap.sh does, its floods (@flood:
    the workload kept, per mille; default 500, 400 for mainline's), and
    its benchmark run's log line, its whole log's (@stalls: the kernel's
    alarms over the guest), and its end."""
    ts = "[   20.123456]     "
    body = ["KTAP version 1", f"# Subtest: {SUITE_OF[layer]}", "1..2"]
    body += figure_lines(layer, scale, floor, drop)
    body += ["# bench-cdf latency_same_cpu from=1 "
             + " ".join(str(cdf_base * p) for p in range(1, 11)),
             "ok 1 clock_read", "ok 2 latency_same_cpu"]
    if flood is None:
        flood = 500 if layer == bench.OURS else 400
    return ([f"XTH-DOM0: guest created domid={domid} "
             f"({'ours' if layer == bench.OURS else 'mainline'})",
             "[guest] XTH-GUEST: init 6.1.0-56-amd64, 2 CPUs, clocksource "
             "acpi_pm",
             "[guest] KTAP version 1",
             f"[guest] # bench-info tick: "
             f"{'lapic-deadline' if layer == bench.OURS else 'xen'}"]
            + [f"[guest] {ts}{line}" for line in body]
            + [f"[guest] ok 1 {SUITE_OF[layer]}",
               f"[guest] # bench run_log module_rc=0 stalls=0 end"]
            + (flood_lines(layer, flood) if flood else [])
            + [f"[guest] # bench guest_log stalls={stalls} end",
               "[guest] XTH-GUEST: done rc=0",
               f"XTH-DOM0: guest gone after {60 + domid}s"])


def boot_log(order, scales=None, floors=None, **kw):
    """A boot's console log: guests in @order ("ABBA"), guest i's times
    multiplied by scales[i] and its floor floors[i]."""
    lines = ["(XEN) Xen version 4.17.7 (Debian 4.17.7+13)",
             "XTH-DOM0: init 6.1.0-56-amd64", "XTH-DOM0: toolstack ready"]
    for i, c in enumerate(order):
        lines += guest_lines(LAYER_OF[c], i + 1,
                             scales[i] if scales else 1.0,
                             floors[i] if floors else 60000, **kw)
    return lines + ["XTH-DOM0: done"]


class Logs(unittest.TestCase):
    """Write console logs to a temporary directory."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.n = 0

    def write(self, lines, name=None):
        self.n += 1
        path = Path(self.dir.name) / (name or
                                      f"abba-20261201-1000{self.n:02d}.log")
        path.write_text("\n".join(lines) + "\n")
        return path


class ReadLog(Logs):
    def test_guests_in_order_with_their_layers(self):
        boot = bench.read_boot(self.write(boot_log("ABBA",
                                                   [1, 2, 3, 4])))
        self.assertEqual(boot.order, "A B B A")
        self.assertEqual(boot.xen, "4.17.7")
        self.assertEqual(boot.kernel, "6.1.0-56-amd64")
        same = [g.figures["latency_same_cpu"]["p50_ns"] for g in boot.guests]
        self.assertEqual(same, [200000, 400000, 600000, 800000])
        self.assertEqual(boot.guests[0].figures["latency_same_cpu"]
                         ["floor_ns"], 60000)
        self.assertEqual(boot.guests[0].settings["clock"], "tsc")
        self.assertEqual(boot.guests[1].notes, ["tick: xen"])
        self.assertEqual(boot.guests[0].figures["tsc_cpu1_offset"]
                         ["low_ns"], -300)

    def test_a_lost_guest_counts_for_nothing(self):
        lines = boot_log("AB")
        lost = guest_lines(bench.MAINLINE, 7, scale=100)
        lost = lost[:8] + [
            "(XEN) d7v0 Triple fault - invoking HVM shutdown action 1",
            "XTH-DOM0: guest mainline lost to the emulated CPU; creating "
            "it again (attempt 2 of 3)"]
        boot = bench.read_boot(self.write(lines[:-1] + lost
                                          + guest_lines(bench.MAINLINE, 8)
                                          + lines[-1:]))
        self.assertEqual(boot.order, "A B B")
        self.assertEqual(boot.recreated, 1)
        self.assertEqual([g.figures["latency_same_cpu"]["p50_ns"]
                          for g in boot.guests], [200000] * 3)

    def test_a_line_cut_short_is_dropped(self):
        lines = boot_log("A")
        i = next(i for i, line in enumerate(lines)
                 if "# bench latency_same_cpu" in line)
        lines[i] = lines[i][:lines[i].index("p99_ns") + 9]
        lines.insert(i + 1, "[    9.1] rcu: INFO: rcu_sched self-detected "
                            "stall on CPU")
        guest = bench.read_boot(self.write(lines)).guests[0]
        self.assertNotIn("latency_same_cpu", guest.figures)
        self.assertIn("latency_cross_cpu_busy", guest.figures)

    def test_cdfs(self):
        guest = bench.read_boot(self.write(boot_log("A"))).guests[0]
        self.assertEqual(guest.cdfs["latency_same_cpu"][3], 300)
        self.assertEqual(len(guest.cdfs["latency_same_cpu"]), 10)

    def test_a_guest_whose_module_did_not_run_is_left_out(self):
        lines = boot_log("AB")
        lines = [line for line in lines if "layer=mainline" not in line]
        self.assertEqual(bench.read_boot(self.write(lines)).order, "A")

    def test_boots_in_the_order_they_ran(self):
        late = self.write(boot_log("AB"), "abba-20261201-120000.log")
        early = self.write(boot_log("BA"), "baab-20261201-110000.log")
        boots = bench.read_boots([late, early])
        self.assertEqual([b.order for b in boots], ["B A", "A B"])

    def test_port_rows_for_the_counts_reported(self):
        boots = [bench.read_boot(self.write(boot_log("AB")))]
        keys = [r.key for r in bench.rows_for(boots)]
        self.assertIn("upcall_fifo_ports_1.p50_ns", keys)
        self.assertNotIn("bind_fifo_ports_1.p50_ns", keys)
        self.assertIn("unbind_batch_fifo_ports_4096.drained_ns_per_port",
                      keys)
        self.assertEqual(len(keys), len(bench.CORE_ROWS) + 1 + 6
                         + len(bench.FLOOD_ROWS))


class Arithmetic(unittest.TestCase):
    def test_spread(self):
        self.assertEqual(bench.spread([3, None, 1, 2, 10]),
                         {"median": 2.5, "min": 1, "max": 10, "n": 4})
        self.assertIsNone(bench.spread([None]))

    def test_geomean(self):
        self.assertAlmostEqual(bench.geomean([2, 8]), 4)
        self.assertIsNone(bench.geomean([]))
        self.assertIsNone(bench.geomean([0, 4]))

    def test_in_floors(self):
        time = bench.Row("x", "p50_ns", "lower", "")
        rate = bench.Row("x", "events_per_s", "higher", "", unit="/s")
        self.assertEqual(bench.in_floors(300, 100, time), 3)
        # 10,000 events/s with a 50 µs floor: half an event per floor.
        self.assertAlmostEqual(bench.in_floors(10000, 50000, rate), 0.5)
        self.assertIsNone(bench.in_floors(300, None, time))

    def boot(self, order, values):
        return bench.Boot(log="", guests=[
            bench.Guest(layer=LAYER_OF[c],
                        figures={"w": {"p50_ns": v, "floor_ns": 100}})
            for c, v in zip(order, values)])

    def test_abba_cancels_a_drift(self):
        def figure(guest):
            return guest.figures["w"]["p50_ns"]
        # Both layers equal, the guest getting 10 % slower each slot.
        drift = self.boot("ABBA", [100, 110, 121, 133.1])
        self.assertAlmostEqual(bench.boot_ratio(drift, figure), 1.0)
        # In the order A B, the same drift reads as a 10 % win.
        ab = self.boot("AB", [100, 110])
        self.assertAlmostEqual(bench.boot_ratio(ab, figure), 100 / 110)

    def test_a_boot_without_both_layers_has_no_ratio(self):
        self.assertIsNone(bench.boot_ratio(self.boot("AA", [1, 2]),
                                           lambda g: 1))


class Verdict(unittest.TestCase):
    def test_lower_is_better(self):
        self.assertEqual(bench.verdict([0.8, 0.9, 0.95], "lower"), "win")
        self.assertEqual(bench.verdict([1.1, 1.3, 1.05], "lower"), "loss")
        self.assertEqual(bench.verdict([0.8, 1.2, 0.9], "lower"), "level")

    def test_higher_is_better(self):
        self.assertEqual(bench.verdict([1.2, 1.1], "higher"), "win")
        self.assertEqual(bench.verdict([0.7, 0.9], "higher"), "loss")
        self.assertEqual(bench.verdict([0.9, 1.1], "higher"), "level")

    def test_a_spread_touching_one_is_level(self):
        self.assertEqual(bench.verdict([0.8, 1.0], "lower"), "level")
        self.assertEqual(bench.verdict([1.0, 1.4], "higher"), "level")

    def test_too_few_boots(self):
        self.assertEqual(bench.verdict([0.5], "lower"), "n/a")
        self.assertEqual(bench.verdict([], "lower"), "n/a")


class Report(Logs):
    """bench.py end to end on three boots."""

    def setUp(self):
        super().setUp()
        # xevtchn's times 1.5, 1.6, 1.4 times mainline's (in each boot the
        # same), its floor 1.5 times mainline's; one mainline guest of the
        # second boot slow all over (its floor too).
        self.logs = [
            self.write(boot_log("ABBA", [1.5, 1, 1, 1.5],
                                [90000, 60000, 60000, 90000]),
                       "abba-20261201-100000.log"),
            self.write(boot_log("BAAB", [2, 1.6, 1.6, 1],
                                [120000, 90000, 90000, 60000]),
                       "baab-20261201-101000.log"),
            self.write(boot_log("ABBA", [1.4, 1, 1, 1.4],
                                [90000, 60000, 60000, 90000]),
                       "abba-20261201-102000.log"),
        ]
        self.out = Path(self.dir.name) / "out"
        with contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            self.status = bench.main(["--out", str(self.out)]
                                     + [str(p) for p in self.logs])
        self.report = json.loads((self.out / "bench.json").read_text())
        self.rows = {f"{r['workload']}.{r['figure']}": r
                     for r in self.report["rows"]}

    def test_status_and_files(self):
        self.assertEqual(self.status, 0)
        self.assertEqual(self.report["missing"], [])
        self.assertEqual(self.report["boots_with_both_layers"], 3)
        md = (self.out / "bench.md").read_text()
        self.assertIn("A B B A, B A A B, A B B A", md)
        self.assertIn("| send → handler, same vCPU, p50 |", md)

    def test_layer_medians_and_spreads(self):
        r = self.rows["latency_same_cpu.p50_ns"]
        self.assertEqual(r[bench.OURS]["figure"],
                         {"median": 300000, "min": 280000, "max": 320000,
                          "n": 6})
        self.assertEqual(r[bench.MAINLINE]["figure"],
                         {"median": 200000, "min": 200000, "max": 400000,
                          "n": 6})
        self.assertEqual(r[bench.OURS]["floor"]["median"], 90000)

    def test_ratio_per_boot_and_verdict(self):
        r = self.rows["latency_same_cpu.p50_ns"]["ratio"]
        self.assertAlmostEqual(r["per_boot"][0], 1.5)
        self.assertAlmostEqual(r["per_boot"][1], 1.6 / math.sqrt(2))
        self.assertAlmostEqual(r["per_boot"][2], 1.4)
        self.assertAlmostEqual(r["median"], 1.4)
        self.assertEqual(r["verdict"], "loss")

    def test_in_floors(self):
        # Per guest in floors: ours 1.5x / 1.5 = 1 in boot 1; the slow
        # mainline guest's floor rose with it.
        r = self.rows["latency_same_cpu.p50_ns"]["ratio_in_floors"]
        self.assertAlmostEqual(r["per_boot"][0], 1.0)
        self.assertEqual(r["verdict"], "level")
        self.assertIsNone(self.rows["send_masked_floor.p50_ns"]
                          ["ratio_in_floors"])

    def test_a_rate_compares_the_other_way(self):
        r = self.rows["throughput_64_channels_busy.events_per_s"]
        self.assertEqual(r["better"], "higher")
        self.assertLess(r["ratio"]["max"], 1)
        self.assertEqual(r["ratio"]["verdict"], "loss")

    def test_clocks(self):
        c = self.report["clocks"][bench.OURS]
        self.assertEqual(c["sources"], ["tsc"])
        self.assertEqual(c["read_ns"]["median"], 40)

    def test_flood_rows(self):
        r = self.rows["flood_plain.kept_permille"]
        self.assertEqual(r[bench.OURS]["figure"]["median"], 500)
        self.assertAlmostEqual(r["ratio"]["median"], 1.25)
        self.assertEqual(r["ratio"]["verdict"], "win")
        self.assertIsNone(r["ratio_in_floors"])
        self.assertIsNone(r[bench.OURS]["floor"])
        self.assertEqual(self.rows["flood_lateeoi.port_gap_ms"]["ratio"]
                         ["verdict"], "–")
        self.assertEqual(self.report["floods"][bench.MAINLINE],
                         {"floods": 12, "lost": 0, "doubled": 0,
                          "stalls": 0, "failed_runs": 0})
        md = (self.out / "bench.md").read_text()
        self.assertIn("| 50 [50–50] % |", md.replace("50.0", "50"))
        self.assertIn("- xevtchn: 12 floods; 0 loopback events lost", md)

    def test_runs_and_their_alarms(self):
        self.assertEqual(self.report["runs"][bench.OURS],
                         {"runs": 6, "stalls": 0, "failed_runs": 0})
        log = self.write(boot_log("ABBA", stalls=2))
        with contextlib.redirect_stdout(io.StringIO()):
            bench.main(["--out", str(self.out), str(log)])
        report = json.loads((self.out / "bench.json").read_text())
        self.assertEqual(report["runs"][bench.MAINLINE],
                         {"runs": 2, "stalls": 4, "failed_runs": 0})
        self.assertIn("- mainline: 2 benchmark runs, 0 failed; 4 log lines",
                      (self.out / "bench.md").read_text())

    def test_no_flood_no_flood_rows(self):
        log = self.write(boot_log("ABBA", flood=0))
        with contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            status = bench.main(["--out", str(self.out), str(log)])
        self.assertEqual(status, 0)
        report = json.loads((self.out / "bench.json").read_text())
        self.assertFalse([r for r in report["rows"]
                          if r["workload"].startswith("flood_")])

    def test_a_missing_row_fails(self):
        log = self.write(boot_log("AB", drop=("dom0_round_trip",)))
        with contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            status = bench.main(["--out", str(self.out), str(log)])
        self.assertEqual(status, 1)


class Payload(Logs):
    """The payloads' expect file against what the guests report."""

    def test_each_order_reports_what_its_expect_file_lists(self):
        for order, name in (("ABBA", "abba"), ("BAAB", "baab")):
            guests = (PAYLOADS / name / "guests").read_text().split()
            layers = [bench.OURS if Path(g).name == "ours"
                      else bench.MAINLINE for g in guests]
            self.assertEqual([LAYER_OF[c] for c in order], layers)
            exp = ktap.read_expectations(
                (PAYLOADS / name / "expect").read_text())
            rep = ktap.evaluate(boot_log(order), exp.must_pass,
                                exp.must_fail, dom0=exp.dom0)
            self.assertEqual(rep.failed, 0, rep.lines)
            self.assertEqual((PAYLOADS / name / "xen-cmdline").read_text(),
                             (PAYLOADS / "abba" / "xen-cmdline").read_text())

    def test_every_guest_alike(self):
        self.assertEqual((PAYLOADS / "ours" / "guest.cfg").read_text(),
                         (PAYLOADS / "mainline" / "guest.cfg").read_text())
        ours = (PAYLOADS / "ours" / "guest-cmdline").read_text().split()
        mainline = (PAYLOADS / "mainline" / "guest-cmdline").read_text()
        self.assertEqual([p for p in ours if p != "nopv"], mainline.split())



class SaidAbi(unittest.TestCase):
    def test_the_guest_kernels_word_wins(self):
        self.assertEqual(bench.said_abi(["abi: Using FIFO-based ABI"]), "fifo")
        self.assertEqual(bench.said_abi(["abi: Using 2-level ABI"]), "2level")
        self.assertIsNone(bench.said_abi(["tick: lapic"]))
        self.assertEqual(bench.relabel("upcall_2level_ports_4096", "fifo"),
                         "upcall_fifo_ports_4096")
        self.assertEqual(bench.relabel("unbind_one_2level_ports_1", "fifo"),
                         "unbind_one_fifo_ports_1")
        self.assertEqual(bench.relabel("send_masked_floor", "fifo"),
                         "send_masked_floor")


if __name__ == "__main__":
    unittest.main()
