#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench.py: turn the console logs of "make bench" into its report.

    bench.py --out DIR LOG...

Each LOG is one boot of the test host, in which guests ran one after
another on the same Xen, each with one event layer: xevtchn
(xevtchn_bench_ours.ko, in a "nopv" guest) or the kernel's own
(xevtchn_bench_mainline.ko), in the order A B B A or B A A B. Reads the
"# bench ..." lines each guest printed (guests lost to the emulated CPU
and created again do not count) and writes to DIR:

    bench.json   every guest's figures, and per row: each layer's median,
                 minimum and maximum over its guests, the normaliser
                 beside it, the ratio ours/mainline per boot with its
                 median and spread, and the verdict
    bench.md     the same as markdown tables, with how to read them
    latency.png  the latency distributions of both layers (gnuplot)

then prints bench.md and where the files are. Exit status 1 when a row has
no figure for one of the two layers, or no boot ran both.

The arithmetic, for one row:

- a guest's figure is what its benchmark printed (a median over its own
  samples, unless the row says otherwise), and its floor the median of
  bare EVTCHNOP_send hypercalls to a masked port, timed just before and
  just after that figure in the same guest;
- a layer's figure is the median over its guests, its spread the minimum
  and maximum over them;
- a boot's ratio is the geometric mean of xevtchn's guests in that boot
  over the geometric mean of mainline's (with A B B A a drift that is
  linear in time over the boot cancels out); the row's ratio is the
  median over boots, its spread their minimum and maximum. "in floors"
  does the same with each guest's figure divided by its floor (times it,
  for a rate);
- the verdict: "win" when every boot's ratio says xevtchn is better, "loss"
  when every one says it is worse, else "level" (the spread touches or
  crosses 1.0); "n/a" with fewer than MIN_BOOTS boots that ran both.
"""

import argparse
import json
import math
import re
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# The runner's reading of the console: which lines belong to which guest.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "host"))
import ktap  # noqa: E402

OURS, MAINLINE = "xevtchn", "mainline"
LAYERS = (OURS, MAINLINE)
# Fewer boots that ran both layers than this give no verdict.
MIN_BOOTS = 2

# A figure line ends in " end": one a console message cut short is dropped.
BENCH = re.compile(r"# bench (\S+) (.*) end\s*$")
CDF = re.compile(r"# bench-cdf (\S+) from=(\d+) (.*)$")
INFO = re.compile(r"# bench-info (.*)$")
XEN_VERSION = re.compile(r"\(XEN\) Xen version (\S+)")
GUEST_INIT = re.compile(r"XTH-GUEST: init ([^ ,]+)")
LOG_TIME = re.compile(r"(\d{8}-\d{6})\.log$")


@dataclass
class Row:
    """One row of the report: a figure of a workload line."""
    workload: str
    figure: str
    better: str            # "lower" or "higher"
    text: str              # what it measures
    mark: str = ""         # a key of MARKS
    unit: str = "ns"       # "ns", "/s", "ms" or "‰" (shown as %)
    judged: bool = True    # False: context, no verdict
    floors: bool = True    # False: no floor beside it, no "in floors"

    @property
    def key(self):
        return f"{self.workload}.{self.figure}"


# What dominates a row besides the event layer (README, "Performance").
MARKS = {
    "idle": "the receiving vCPU is idle: the figure holds its wake-up and "
            "the restart of its tick, which differ between the guests (a "
            "nopv guest ticks with the emulated local APIC timer, the "
            "kernel's own Xen guest with Xen's timer hypercall)",
    "tail": "a tail: it holds the ticks that land in a sample, which "
            "differ between the guests as above",
    "apic": "the APIC mode: an MMIO write Xen decodes and emulates in "
            "xAPIC mode (a nopv guest's), an MSR write in x2APIC mode",
    "clock": "context: every timed figure holds about one such read",
    "drain": "includes an RCU grace period (rcu_barrier()) per port",
    "flood": "dom0's flood (make check's flood test, built against each "
             "layer): dom0 notifies 8 ports bound on vCPU 0 as fast as "
             "its one vCPU can, which it shares with the guest's device "
             "model; one flood per guest and binding; the workload is a "
             "thread bound to vCPU 0 counting fixed work, measured just "
             "before the flood and during it",
}

CORE_ROWS = [
    Row("clock_read", "p50_ns", "lower",
        "one timestamp (two back-to-back clock reads)", "clock",
        judged=False),
    Row("send_masked_floor", "p50_ns", "lower",
        "bare EVTCHNOP_send to a masked port: the floor"),
    Row("apic_eoi", "p50_ns", "lower", "one local APIC EOI", "apic"),
    Row("latency_same_cpu", "p50_ns", "lower",
        "send → handler, same vCPU, p50"),
    Row("latency_same_cpu", "p99_ns", "lower",
        "send → handler, same vCPU, p99", "tail"),
    Row("latency_cross_cpu_busy", "p50_ns", "lower",
        "send → handler, other vCPU kept running, p50"),
    Row("latency_cross_cpu_busy", "p99_ns", "lower",
        "send → handler, other vCPU kept running, p99", "tail"),
    Row("latency_cross_cpu_idle", "p50_ns", "lower",
        "send → handler, other vCPU idle, p50", "idle"),
    Row("ipi_round_trip_busy", "p50_ns", "lower",
        "event-channel IPI to the other vCPU (kept running), its handler "
        "runs a function, the sender waits: p50"),
    Row("throughput_64_channels_busy", "events_per_s", "higher",
        "64 channels to the other vCPU (kept running): events/s, median "
        "round", unit="/s"),
    Row("dom0_round_trip", "p50_ns", "lower",
        "round trip with dom0, from vCPU 1, p50"),
]

# The port-count rows, for each ABI and port count a guest reports.
PORT_ROWS = [
    Row("upcall_{abi}_ports_{n}", "p50_ns", "lower",
        "send → handler, same vCPU, {ports} bound ({abi}), p50"),
    Row("bind_{abi}_ports_{n}", "p50_ns", "lower",
        "open and bind one port ({abi}), p50 up to {n} ports"),
    Row("unbind_one_{abi}_ports_{n}", "returned_p50_ns", "lower",
        "unbind one port ({abi}, {n} bound), one at a time: as returned"),
    Row("unbind_one_{abi}_ports_{n}", "drained_p50_ns", "lower",
        "the same, drained: until Xen says it is closed", "drain"),
    Row("unbind_batch_{abi}_ports_{n}", "returned_p50_ns", "lower",
        "unbind the rest ({abi}) back to back: as returned, p50"),
    Row("unbind_batch_{abi}_ports_{n}", "drained_ns_per_port", "lower",
        "the same, drained: until the last is closed, per port"),
]
# The flood rows, when the guests took dom0's flood (bench_flood in
# payloads/bench/common.sh).
FLOOD_ROWS = [
    Row("flood_plain", "kept_permille", "higher",
        "flood, plain binding: the flooded vCPU's workload, share of its "
        "unflooded rate", "flood", "‰", floors=False),
    Row("flood_plain", "handled_per_s", "higher",
        "the same: flood events handled", "flood", "/s", judged=False,
        floors=False),
    Row("flood_plain", "dom0_per_s", "higher",
        "the same: dom0's notifies", "flood", "/s", judged=False,
        floors=False),
    Row("flood_lateeoi", "kept_permille", "higher",
        "flood, late EOI, every event reported spurious: the workload's "
        "share", "flood", "‰", floors=False),
    Row("flood_lateeoi", "handled_per_s", "lower",
        "the same: flood events handled (the backoff holds them back)",
        "flood", "/s", judged=False, floors=False),
    Row("flood_lateeoi", "port_gap_ms", "higher",
        "the same: the backoff, a port's longest gap between events",
        "flood", "ms", judged=False, floors=False),
]
PORT_WORKLOAD = re.compile(
    r"(?:upcall|bind|unbind_one|unbind_batch)_(\w+?)_ports_(\d+)$")


@dataclass
class Guest:
    """One guest's results: its layer, its figure lines, its CDFs."""
    layer: str
    figures: dict = field(default_factory=dict)
    cdfs: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)


@dataclass
class Boot:
    """One boot of the test host: its guests in the order they ran."""
    log: str
    guests: list
    xen: str = None
    kernel: str = None
    recreated: int = 0

    @property
    def order(self):
        return " ".join("A" if g.layer == OURS else
                        "B" if g.layer == MAINLINE else "?"
                        for g in self.guests)


def fields(text):
    """The key=value pairs of a figure line; numbers as int."""
    pairs = dict(kv.split("=", 1) for kv in text.split()
                 if re.fullmatch(r"\w+=-?\w+", kv))
    return {k: int(v) if re.fullmatch(r"-?\d+", v) else v
            for k, v in pairs.items()}


def read_boot(path):
    """The Boot of one console log. A guest's lines run from one "guest
    created" line to the next; its layer is the one its benchmark module
    names. A guest without one (its module did not run) is left out."""
    lines = Path(path).read_text(errors="replace").splitlines()
    boot = Boot(log=str(path), guests=[],
                recreated=ktap.guests_recreated(lines))
    segments = [[]]
    for line in ktap.drop_lost_guests(lines):
        if ktap.GUEST_CREATED.match(line):
            segments.append([])
        segments[-1].append(line)
        if m := XEN_VERSION.search(line):
            boot.xen = boot.xen or m.group(1)
        if m := GUEST_INIT.search(line):
            boot.kernel = boot.kernel or m.group(1)
    for segment in segments[1:]:
        guest = read_guest(segment)
        if guest:
            boot.guests.append(guest)
    return boot


def read_guest(lines):
    guest = None
    notes, figures, cdfs = [], {}, {}
    for line in lines:
        if m := INFO.search(line):
            notes.append(m.group(1).strip())
            continue
        if m := CDF.search(line):
            # A line cut short keeps what came before the cut.
            cdf = cdfs.setdefault(m.group(1), {})
            for pct, v in enumerate(m.group(3).split(), int(m.group(2))):
                if not v.isdigit():
                    break
                cdf[pct] = int(v)
            continue
        if m := BENCH.search(line):
            name, rest = m.group(1), m.group(2)
            if name.startswith("layer="):
                settings = fields(f"{name} {rest}")
                guest = Guest(layer=str(settings["layer"]),
                              settings=settings)
                continue
            figures[name] = fields(rest)
    if guest:
        abi = said_abi(notes)
        if abi:
            figures = {relabel(name, abi): f for name, f in figures.items()}
        guest.figures, guest.cdfs, guest.notes = figures, cdfs, notes
    return guest


def said_abi(notes):
    """The ABI a guest's kernel said it uses ("bench-info abi: Using
    FIFO-based ABI"), or None. It wins over the benchmark module's guess
    from the number of channels, which for the kernel's own FIFO layer
    counts only the event array pages allocated so far."""
    for note in notes:
        if note.startswith("abi:"):
            if "FIFO" in note:
                return "fifo"
            if "2-level" in note:
                return "2level"
    return None


def relabel(name, abi):
    """A port-count workload's name with its ABI set to @abi."""
    m = PORT_WORKLOAD.match(name)
    if not m or m.group(1) == abi:
        return name
    return name[:m.start(1)] + abi + name[m.end(1):]


def log_time(path):
    """A log's boot time, from the runner's file name, for their order."""
    m = LOG_TIME.search(str(path))
    return m.group(1) if m else ""


def read_boots(paths):
    return [read_boot(p) for p in sorted(paths, key=lambda p: (log_time(p),
                                                              str(p)))]


def rows_for(boots):
    """CORE_ROWS, then the port rows of every ABI and count reported."""
    found = set()
    for boot in boots:
        for guest in boot.guests:
            for name in guest.figures:
                if m := PORT_WORKLOAD.match(name):
                    found.add((m.group(1), int(m.group(2))))
    rows = list(CORE_ROWS)
    for abi, n in sorted(found):
        for t in PORT_ROWS:
            workload = t.workload.format(abi=abi, n=n)
            if n == 1 and not workload.startswith("upcall_"):
                continue
            text = t.text.format(abi=abi, n=f"{n:,}",
                                 ports="1 port" if n == 1 else f"{n:,} ports")
            rows.append(Row(workload, t.figure, t.better, text, t.mark,
                            t.unit))
    flooded = {r.workload for r in FLOOD_ROWS} & {
        name for b in boots for g in b.guests for name in g.figures}
    rows += [r for r in FLOOD_ROWS if r.workload in flooded]
    return rows


def value(guest, row):
    line = guest.figures.get(row.workload, {})
    v = line.get(row.figure)
    return v if isinstance(v, int) else None


def floor_of(guest, row):
    """The floor beside @row's figure in @guest: the one on its line, else
    the guest's own floor row (for the floor, the EOI and the clock, which
    it measured next to them)."""
    if not row.floors:
        return None
    line = guest.figures.get(row.workload, {})
    floor = line.get("floor_ns")
    if floor is None and row.workload != "send_masked_floor":
        floor = guest.figures.get("send_masked_floor", {}).get("p50_ns")
    return floor if isinstance(floor, int) and floor > 0 else None


def in_floors(v, floor, row):
    """@v as a multiple of the floor: for a time, how many floors it
    lasts; for a rate, how many events come per floor."""
    if v is None or floor is None:
        return None
    return v * floor / 1e9 if row.unit == "/s" else v / floor


def spread(values):
    """{median, min, max, n} of @values (None left out), or None."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "n": len(values)}


def geomean(values):
    if not values or any(v <= 0 for v in values):
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def boot_ratio(boot, fn):
    """The geometric mean of fn(guest) over xevtchn's guests of @boot over
    that over mainline's, or None unless both have a value."""
    means = {layer: geomean([v for g in boot.guests if g.layer == layer
                             and (v := fn(g)) is not None])
             for layer in LAYERS}
    if means[OURS] is None or means[MAINLINE] is None:
        return None
    return means[OURS] / means[MAINLINE]


def verdict(ratios, better):
    """win / level / loss for ours/mainline over the boots (see the top)."""
    if len(ratios) < MIN_BOOTS:
        return "n/a"
    lo, hi = min(ratios), max(ratios)
    if lo <= 1.0 <= hi:
        return "level"
    ours_better = hi < 1.0 if better == "lower" else lo > 1.0
    return "win" if ours_better else "loss"


def ratio_summary(boots, fn, row):
    per_boot = [boot_ratio(b, fn) for b in boots]
    paired = [r for r in per_boot if r is not None]
    s = spread(paired)
    return {"per_boot": per_boot, **(s or {"median": None, "min": None,
                                           "max": None, "n": 0}),
            "verdict": verdict(paired, row.better) if row.judged else "–"}


def summarise(boots, rows):
    """Each row's figures, spreads, normalisers, ratios and verdicts."""
    out = []
    for row in rows:
        layers = {}
        for layer in LAYERS:
            guests = [g for b in boots for g in b.guests if g.layer == layer]
            layers[layer] = {
                "values": [value(g, row) for g in guests],
                "figure": spread([value(g, row) for g in guests]),
                "floor": spread([floor_of(g, row) for g in guests]),
                "eoi": spread([g.figures.get(row.workload, {}).get("eoi_ns")
                               for g in guests]),
                "in_floors": spread([in_floors(value(g, row),
                                               floor_of(g, row), row)
                                     for g in guests]),
            }
        out.append({
            "workload": row.workload, "figure": row.figure,
            "text": row.text, "better": row.better, "unit": row.unit,
            "mark": row.mark, **layers,
            "ratio": ratio_summary(boots, lambda g: value(g, row), row),
            "ratio_in_floors": ratio_summary(
                boots, lambda g: in_floors(value(g, row), floor_of(g, row),
                                           row), row)
            if row.judged and row.floors
            and row.workload != "send_masked_floor" else None,
        })
    return out


def missing_rows(summary):
    return [f"{r['workload']} {r['figure']} ({layer})" for r in summary
            for layer in LAYERS if r[layer]["figure"] is None]


def scale_of(v, unit):
    """The unit to show @v in: (divisor, suffix)."""
    if unit == "/s":
        return 1, "/s"
    if unit == "ms":
        return 1, " ms"
    if unit == "‰":
        return 10, " %"
    return (1e6, " ms") if abs(v) >= 1e6 else (1e3, " µs")


def number(v, div):
    return f"{v / div:,.0f}" if div == 1 else f"{v / div:.3g}"


def fmt(v, unit):
    """A figure for people: ns as µs or ms, three digits; rates whole."""
    if v is None:
        return "–"
    div, suffix = scale_of(v, unit)
    return number(v, div) + suffix


def fmt_spread(s, unit):
    """median [min–max], all in the median's unit."""
    if not s:
        return "–"
    if s["n"] == 1:
        return fmt(s["median"], unit)
    div, suffix = scale_of(s["median"], unit)
    return (f"{number(s['median'], div)} [{number(s['min'], div)}–"
            f"{number(s['max'], div)}]{suffix}")


def fmt_ratio(r):
    if not r or r["median"] is None:
        return "–"
    if r["n"] == 1:
        return f"{r['median']:.2f}"
    return f"{r['median']:.2f} [{r['min']:.2f}–{r['max']:.2f}]"


def clocks(boots):
    """Which clock each layer's guests timed with, and what one read cost."""
    out = {}
    for layer in LAYERS:
        guests = [g for b in boots for g in b.guests if g.layer == layer]
        out[layer] = {
            "sources": sorted({str(g.figures.get("clock_read", {})
                                   .get("source", "?")) for g in guests}),
            "read_ns": spread([g.figures.get("clock_read", {}).get("p50_ns")
                               for g in guests]),
            "tsc_cpu1_offset_ns": [
                [g.figures["tsc_cpu1_offset"].get("low_ns"),
                 g.figures["tsc_cpu1_offset"].get("high_ns")]
                for g in guests if "tsc_cpu1_offset" in g.figures],
        }
    return out


def floods(boots):
    """Per layer, what its floods left besides the rows: how many ran,
    the loopback's numbered events lost and doubled during them, the
    kernel's alarms (RCU stalls, lockups, hung tasks) and module runs
    that failed."""
    out = {}
    for layer in LAYERS:
        total = {"floods": 0, "lost": 0, "doubled": 0, "stalls": 0,
                 "failed_runs": 0}
        for g in (g for b in boots for g in b.guests if g.layer == layer):
            for mode in ("plain", "lateeoi"):
                line = g.figures.get(f"flood_{mode}")
                log = g.figures.get(f"flood_log_{mode}", {})
                if line:
                    total["floods"] += 1
                    total["lost"] += line.get("lost", 0)
                    total["doubled"] += line.get("doubled", 0)
                total["stalls"] += log.get("stalls", 0)
                total["failed_runs"] += log.get("module_rc", 0) != 0
        out[layer] = total
    return out


def runs(boots):
    """Per layer: its guests' benchmark runs (bench_run's "run_log" lines)
    and those that failed, and the kernel log's lines of alarms (RCU
    stalls, lockups, hung tasks) over each whole guest (bench_end's
    "guest_log"; where a guest has none, those of its benchmark run). The
    guests' console shows only emergencies, so these are the alarms' only
    trace in the report."""
    out = {}
    for layer in LAYERS:
        total = {"runs": 0, "stalls": 0, "failed_runs": 0}
        for g in (g for b in boots for g in b.guests if g.layer == layer):
            log = g.figures.get("run_log")
            whole = g.figures.get("guest_log", log or {})
            if log is not None:
                total["runs"] += 1
                total["failed_runs"] += log.get("module_rc", 0) != 0
            total["stalls"] += whole.get("stalls", 0)
        out[layer] = total
    return out


LEGEND = [
    "How to read it:",
    "",
    "- Each layer's cell: the median over its guests of each guest's own "
    "figure (the median of its samples unless the row says otherwise), "
    "[minimum–maximum over those guests].",
    "- floor: a bare EVTCHNOP_send to a masked port, the median of single "
    "calls timed just before and just after that figure in the same guest: "
    "what one exit to Xen and back cost that guest at that moment. Its "
    "spread shows how much the guests' speed moved.",
    "- ours/mainline: per boot, the geometric mean of xevtchn's guests over "
    "mainline's (A B B A cancels a linear drift over the boot); the median "
    "over boots, [minimum–maximum over boots]. Below 1.0 xevtchn took less "
    "time (for a rate, above 1.0 it did more).",
    "- in floors: the same ratio with each guest's figure first divided by "
    "the floor beside it (for a rate, multiplied): each layer measured in "
    "its own guest's exits.",
    f"- verdict: win when every boot's ratio favours xevtchn, loss when "
    f"every one favours mainline, level when they straddle 1.0; n/a with "
    f"fewer than {MIN_BOOTS} boots that ran both.",
]


def render(boots, rows, summary, out_clocks, out_floods, out_runs):
    nguests = {layer: sum(g.layer == layer for b in boots for g in b.guests)
               for layer in LAYERS}
    xen = next((b.xen for b in boots if b.xen), None)
    kernel = next((b.kernel for b in boots if b.kernel), None)
    recreated = sum(b.recreated for b in boots)
    lines = [
        "# make bench: xevtchn against the kernel's own event layer", "",
        f"Xen {xen}, guest kernel {kernel}; {len(boots)} boot(s), guests "
        f"in the order {', '.join(b.order or '(none)' for b in boots)} "
        f"(A xevtchn, B mainline); {nguests[OURS]} xevtchn and "
        f"{nguests[MAINLINE]} mainline guests measured"
        + (f"; {recreated} guest(s) lost to the emulated CPU and run again"
           if recreated else "") + ".", ""]
    for layer in LAYERS:
        c = out_clocks[layer]
        offsets = c["tsc_cpu1_offset_ns"]
        lines.append(
            f"- {layer} timed with: {'/'.join(c['sources']) or '?'}, one "
            f"timestamp {fmt_spread(c['read_ns'], 'ns')}"
            + (f"; vCPU 1's TSC within "
               f"{min(o[0] for o in offsets) / 1000:.2f} to "
               f"{max(o[1] for o in offsets) / 1000:.2f} µs of vCPU 0's"
               if offsets and all(None not in o for o in offsets) else ""))
    if out_clocks[OURS]["sources"] != out_clocks[MAINLINE]["sources"]:
        lines.append("- **the layers timed with different clocks: compare "
                     "the rows less the clock's cost, or run again with "
                     "BENCH_CLOCK=**")
    lines += [""] + LEGEND + [""]
    lines += [f"- ({i}) {MARKS[m]}" for i, m in enumerate(MARKS, 1)]
    mark_no = {m: i for i, m in enumerate(MARKS, 1)}
    lines += ["",
              "| row | xevtchn | its floor | mainline | its floor | "
              "ours/mainline | verdict | in floors: ours/mainline | "
              "verdict |",
              "|---|---:|---:|---:|---:|---:|---|---:|---|"]
    for r in summary:
        text = r["text"] + (f" ({mark_no[r['mark']]})" if r["mark"] else "")
        nf = r["ratio_in_floors"]
        lines.append(
            f"| {text} | {fmt_spread(r[OURS]['figure'], r['unit'])} | "
            f"{fmt_spread(r[OURS]['floor'], 'ns')} | "
            f"{fmt_spread(r[MAINLINE]['figure'], r['unit'])} | "
            f"{fmt_spread(r[MAINLINE]['floor'], 'ns')} | "
            f"{fmt_ratio(r['ratio'])} | {r['ratio']['verdict']} | "
            f"{fmt_ratio(nf)} | {nf['verdict'] if nf else '–'} |")
    lines += ["", "Each guest's figures, in the order they ran "
              "(bN: boot N; A xevtchn, B mainline):", ""]
    heads = [f"b{i} {'A' if g.layer == OURS else 'B'}"
             for i, b in enumerate(boots, 1) for g in b.guests]
    lines += ["| row | " + " | ".join(heads) + " |",
              "|---|" + "---:|" * len(heads)]
    for row, r in zip(rows, summary):
        cells = [fmt(value(g, row), row.unit) for b in boots for g in b.guests]
        lines.append(f"| {r['text']} | " + " | ".join(cells) + " |")
    if any(r["runs"] for r in out_runs.values()):
        lines += ["", "The guests, besides the rows (the kernel's alarms "
                  "over each whole guest: boot, benchmark, floods):", ""]
        lines += [f"- {layer}: {r['runs']} benchmark runs, "
                  f"{r['failed_runs']} failed; {r['stalls']} log lines of "
                  f"RCU stalls, lockups or hung tasks"
                  for layer, r in out_runs.items()]
    if any(f["floods"] for f in out_floods.values()):
        lines += ["", "The floods, besides the rows (the numbered "
                  "loopback events that run through each flood must all "
                  "be handled once):", ""]
        lines += [f"- {layer}: {f['floods']} floods; {f['lost']} loopback "
                  f"events lost, {f['doubled']} doubled; {f['stalls']} log "
                  f"lines of RCU stalls, lockups or hung tasks; "
                  f"{f['failed_runs']} module runs failed"
                  for layer, f in out_floods.items()]
    notes = {}
    for b in boots:
        for g in b.guests:
            for n in g.notes:
                notes.setdefault(g.layer, [])
                if n not in notes[g.layer]:
                    notes[g.layer].append(n)
    if notes:
        lines += ["", "What the guests said of themselves:", ""]
        lines += [f"- {layer}: {n}" for layer in notes for n in notes[layer]]
    return "\n".join(lines) + "\n"


def plot(boots, out):
    """Latency distributions: per layer and workload, the median over its
    guests of each percentile."""
    series = []
    for layer in LAYERS:
        names = sorted({n for b in boots for g in b.guests
                        if g.layer == layer for n in g.cdfs})
        for name in names:
            curves = [g.cdfs[name] for b in boots for g in b.guests
                      if g.layer == layer and name in g.cdfs]
            pcts = sorted(set().union(*curves))
            series.append((layer, name, [
                (statistics.median([c[p] for c in curves if p in c]), p)
                for p in pcts]))
    if not series:
        return None
    data = out / "latency.dat"
    with open(data, "w") as f:
        for layer, name, points in series:
            f.write(f"# {layer} {name}\n")
            for v, pct in points:
                f.write(f"{v / 1000:.3f} {pct}\n")
            f.write("\n\n")
    plots = ", ".join(
        f"'{data}' index {i} with lines title '{layer} {name}'"
        for i, (layer, name, _) in enumerate(series))
    script = (f"set terminal png noenhanced size 1000,600;"
              f"set output '{out}/latency.png';"
              "set logscale x; set xlabel 'microseconds';"
              "set ylabel 'percentile'; set key bottom right; set grid;"
              "set title 'Event channel latency, median of the guests: "
              "xevtchn vs the kernel''s own layer';"
              f"plot {plots}")
    try:
        subprocess.run(["gnuplot", "-e", script], check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"bench: no plot: {e}", file=sys.stderr)
        return None
    return out / "latency.png"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("logs", nargs="+", help="console logs, one per boot")
    args = p.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    boots = read_boots(args.logs)
    rows = rows_for(boots)
    summary = summarise(boots, rows)
    out_clocks = clocks(boots)
    out_floods = floods(boots)
    out_runs = runs(boots)
    missing = missing_rows(summary)
    paired = sum(1 for b in boots
                 if {OURS, MAINLINE} <= {g.layer for g in b.guests})
    report = {
        "boots": [{"log": b.log, "order": b.order, "xen": b.xen,
                   "kernel": b.kernel, "recreated": b.recreated,
                   "guests": [{"layer": g.layer, "settings": g.settings,
                               "figures": g.figures, "notes": g.notes}
                              for g in b.guests]} for b in boots],
        "boots_with_both_layers": paired, "min_boots": MIN_BOOTS,
        "clocks": out_clocks, "floods": out_floods, "runs": out_runs,
        "rows": summary,
        "missing": missing,
    }
    (out / "bench.json").write_text(json.dumps(report, indent=2,
                                               ensure_ascii=False) + "\n")
    table = render(boots, rows, summary, out_clocks, out_floods,
                   out_runs)
    (out / "bench.md").write_text(table)
    png = plot(boots, out)

    print(table)
    print(f"bench: {out / 'bench.md'}, {out / 'bench.json'}"
          + (f", {png}" if png else ""))
    status = 0
    if missing:
        print("bench: missing: " + "; ".join(missing), file=sys.stderr)
        status = 1
    if not paired:
        print("bench: no boot ran both layers", file=sys.stderr)
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
