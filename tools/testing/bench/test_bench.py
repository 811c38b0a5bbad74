# SPDX-License-Identifier: GPL-2.0
"""Unit tests of bench.py's reading of a console log (no boot needed):
python3 -m unittest discover -s tools/testing/bench -p 'test_*.py'"""

import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402

LOG = """(XEN) Xen version 4.17.7 (Debian)
XTH-DOM0: guest created domid=1 (ours)
[guest] XTH-GUEST: init 6.1.0-56-amd64, 2 CPUs, clocksource acpi_pm
[guest] # bench-info xevtchn apic: xAPIC
[guest] [   5.1] # bench layer=xevtchn samples=100 abi=fifo
[guest] [   5.2] # bench latency_same_cpu samples=100 p50_ns=200 p99_ns=300 max_ns=400
[guest] [   5.3] # bench-cdf latency_same_cpu from=1 1 2 3
[guest] [   5.4] # bench-cdf latency_same_cpu from=11 11 1[  9.1] rcu: INFO: stall
[guest] [   6.1] # bench layer=xevtchn samples=100 abi=2level
[guest] [   6.2] # bench upcall_2level_ports_1 bound=1 samples=100 p50_ns=210 p99_ns=310
XTH-DOM0: guest created domid=2 (mainline)
[guest] [   5.1] # bench layer=mainline samples=100 abi=fifo
[guest] [   5.2] # bench latency_same_cpu samples=100 p50_ns=999 p99_ns=999 max_ns=999
[guest] [   5.3] # bench apic_eoi samples=100 p50_ns=999
(XEN) d2v0 Triple fault - invoking HVM shutdown action 1
XTH-DOM0: guest mainline lost to the emulated CPU; creating it again (attempt 2 of 3)
XTH-DOM0: guest created domid=4 (mainline)
[guest] # bench-info mainline apic: x2apic enabled
[guest] [   5.1] # bench layer=mainline samples=100 abi=fifo
[guest] [   5.2] # bench latency_same_cpu samples=100 p50_ns=100 p99_ns=150 max_ns=900
XTH-DOM0: guest created domid=5 (mainline-2level)
[guest] [   5.1] # bench layer=mainline samples=100 abi=2level
[guest] [   5.2] # bench upcall_2level_ports_1 bound=1 samples=100 p50_ns=110 p99_ns=160
"""


class ReadLog(unittest.TestCase):
    def setUp(self):
        with tempfile.NamedTemporaryFile("w", suffix=".log",
                                         delete=False) as f:
            f.write(LOG)
        self.layers = bench.read_log(f.name)
        Path(f.name).unlink()

    def test_each_guest_goes_to_its_layer(self):
        ours, _, _ = self.layers["xevtchn"]
        mainline, _, _ = self.layers["mainline"]
        self.assertEqual(ours["latency_same_cpu"]["p50_ns"], 200)
        self.assertEqual(mainline["latency_same_cpu"]["p50_ns"], 100)

    def test_a_lost_guest_counts_for_nothing(self):
        mainline, _, _ = self.layers["mainline"]
        self.assertEqual(mainline["latency_same_cpu"]["p50_ns"], 100)
        self.assertNotIn("apic_eoi", mainline)

    def test_a_second_guest_of_a_layer_adds_to_it(self):
        mainline, _, info = self.layers["mainline"]
        self.assertEqual(mainline["upcall_2level_ports_1"]["p50_ns"], 110)
        self.assertIn("latency_same_cpu", mainline)
        self.assertEqual(info["notes"], ["mainline apic: x2apic enabled"])

    def test_versions_and_cdfs(self):
        _, cdfs, info = self.layers["xevtchn"]
        self.assertEqual(info["xen"], "4.17.7")
        self.assertEqual(info["kernel"], "6.1.0-56-amd64")
        self.assertEqual(cdfs["latency_same_cpu"],
                         {1: 1, 2: 2, 3: 3, 11: 11})


if __name__ == "__main__":
    unittest.main()
