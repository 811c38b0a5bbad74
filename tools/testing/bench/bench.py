#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench.py: turn the console log of "make bench" into its report.

    bench.py --log LOG --out DIR

LOG is one boot of the test host in which two guests ran one after the
other on the same Xen: one with xevtchn (xevtchn_bench_ours.ko) and one with
the kernel's own Xen support (xevtchn_bench_mainline.ko). Reads the
"# bench ..." lines each printed and writes to DIR:

    bench.json   every figure of both layers, the ratio ours/mainline, each
                 figure as a multiple of the bare hypercall, the Xen and
                 kernel versions, the number of samples
    bench.md     the same as a markdown table
    latency.png  the latency distributions of both layers (gnuplot)

then prints the table and where the files are. Exit status 1 when a
workload is missing for either layer.
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

# The runner's reading of the console: which lines belong to which guest.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "host"))
import ktap  # noqa: E402

BENCH = re.compile(r"# bench (\S+) (.*)$")
CDF = re.compile(r"# bench-cdf (\S+) from=(\d+) (.*)$")
INFO = re.compile(r"# bench-info (.*)$")
XEN_VERSION = re.compile(r"\(XEN\) Xen version (\S+)")
GUEST_INIT = re.compile(r"XTH-GUEST: init ([^ ,]+)")

# (workload, figure, unit, better): the rows of the table.
ROWS = [
    ("send_masked_floor", "p50_ns", "ns", "lower"),
    ("apic_eoi", "p50_ns", "ns", "lower"),
    ("latency_same_cpu", "p50_ns", "ns", "lower"),
    ("latency_same_cpu", "p99_ns", "ns", "lower"),
    ("latency_same_cpu", "max_ns", "ns", "lower"),
    ("latency_cross_cpu_busy", "p50_ns", "ns", "lower"),
    ("latency_cross_cpu_busy", "p99_ns", "ns", "lower"),
    ("latency_cross_cpu_idle", "p50_ns", "ns", "lower"),
    ("latency_cross_cpu_idle", "p99_ns", "ns", "lower"),
    ("throughput_64_channels_busy", "events_per_s", "events/s", "higher"),
    ("ipi_round_trip_busy", "p50_ns", "ns", "lower"),
    ("ipi_round_trip_busy", "p99_ns", "ns", "lower"),
    ("dom0_round_trip", "p50_ns", "ns", "lower"),
    ("dom0_round_trip", "p99_ns", "ns", "lower"),
] + [
    # The upcall cost with this many ports bound.
    (f"upcall_{abi}_ports_{n}", "p50_ns", "ns", "lower")
    for abi in ("fifo",) for n in (1, 4096)
] + [
    # What binding and unbinding one of those ports cost: unbinding as the
    # call returned and drained, one at a time and back to back.
    (f"{workload}_{abi}_ports_4096", figure, "ns", "lower")
    for abi in ("fifo",)
    for workload, figure in (("bind", "p50_ns"),
                             ("unbind_one", "returned_p50_ns"),
                             ("unbind_one", "drained_p50_ns"),
                             ("unbind_batch", "returned_p50_ns"),
                             ("unbind_batch", "drained_ns_per_port"))
]


LAYER = re.compile(r"# bench layer=(\S+)")


def read_log(path):
    """The figures, CDFs and versions of each layer in one console log:
    {layer: (figures, cdfs, info)}. A guest's lines run from one
    "guest created" line to the next; its layer is the one its benchmark
    module names. Guests lost to the emulated CPU and created again do not
    count."""
    guests = []
    lines = Path(path).read_text(errors="replace").splitlines()
    for line in ktap.drop_lost_guests(lines):
        if ktap.GUEST_CREATED.match(line) or not guests:
            guests.append(({}, {}, {}, []))
        figures, cdfs, info, layer = guests[-1]
        if m := XEN_VERSION.search(line):
            info["xen"] = m.group(1)
        if m := GUEST_INIT.search(line):
            info["kernel"] = m.group(1)
        if m := LAYER.search(line):
            layer.append(m.group(1))
            continue
        if m := INFO.search(line):
            info.setdefault("notes", []).append(m.group(1).strip())
        # A kernel message printed straight to the console can cut a line
        # short: keep what came before it.
        if m := CDF.search(line):
            cdf = cdfs.setdefault(m.group(1), {})
            for pct, v in enumerate(m.group(3).split(), int(m.group(2))):
                if not v.isdigit():
                    break
                cdf[pct] = int(v)
            continue
        if m := BENCH.search(line):
            fields = dict(kv.split("=", 1) for kv in m.group(2).split()
                          if re.fullmatch(r"\w+=\w+", kv))
            figures[m.group(1)] = {k: (int(v) if v.isdigit() else v)
                                   for k, v in fields.items()}
    xen = next((g[2]["xen"] for g in guests if "xen" in g[2]), None)
    layers = {}
    for figures, cdfs, info, layer in guests:
        if not layer:
            continue
        info.setdefault("xen", xen)
        if layer[0] not in layers:
            layers[layer[0]] = (figures, cdfs, info)
            continue
        # A further guest of the same layer (another ABI): add its figures.
        had_figures, had_cdfs, had_info = layers[layer[0]]
        had_figures.update(figures)
        had_cdfs.update(cdfs)
        had_info.setdefault("notes", []).extend(info.get("notes", []))
    return layers


def plot(cdfs, out):
    """Latency distributions of both layers, one line each."""
    series = [(layer, name, values) for layer in cdfs
              for name, values in sorted(cdfs[layer].items())]
    if not series:
        return None
    data = out / "latency.dat"
    with open(data, "w") as f:
        for i, (layer, name, values) in enumerate(series):
            f.write(f"# {layer} {name}\n")
            for pct, v in sorted(values.items()):
                f.write(f"{v / 1000:.3f} {pct}\n")
            f.write("\n\n")
    plots = ", ".join(
        f"'{data}' index {i} with lines title '{layer} {name}'"
        for i, (layer, name, _) in enumerate(series))
    script = (f"set terminal png noenhanced size 1000,600;"
              f"set output '{out}/latency.png';"
              "set logscale x; set xlabel 'microseconds';"
              "set ylabel 'percentile'; set key bottom right; set grid;"
              "set title 'Event channel latency: xevtchn vs the kernel''s own layer';"
              f"plot {plots}")
    subprocess.run(["gnuplot", "-e", script], check=True)
    return out / "latency.png"


# The layers: xevtchn, the kernel's own, and the kernel's own with its local
# APIC in xAPIC mode like a nopv guest's (the control, core workloads only).
XAPIC = "mainline-xapic"
LAYERS = ("xevtchn", "mainline", XAPIC)


def ratio(values, a, b):
    """values[a] / values[b], or None when either is missing."""
    return round(values[a] / values[b], 2) if values[a] and values[b] \
        else None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--log", required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    found = read_log(args.log)
    layers, cdfs, info = {}, {}, {}
    for layer in LAYERS:
        layers[layer], cdfs[layer], info[layer] = found.get(layer, ({}, {}, {}))

    floor = {layer: layers[layer].get("send_masked_floor", {})
             .get("p50_ns") for layer in layers}
    rows, missing = [], []
    for workload, figure, unit, better in ROWS:
        values = {layer: layers[layer].get(workload, {}).get(figure)
                  for layer in layers}
        # make bench no longer runs the xAPIC control.
        if any(values[layer] is None for layer in ("xevtchn", "mainline")):
            missing.append(f"{workload} {figure}")
        multiples = {layer: round(values[layer] / floor[layer], 1)
                     if unit == "ns" and values[layer] and floor[layer] else None
                     for layer in layers}
        rows.append({"workload": workload, "figure": figure, "unit": unit,
                     "better": better, **values,
                     "ratio_ours_mainline": ratio(values, "xevtchn",
                                                  "mainline"),
                     "ratio_ours_mainline_xapic": ratio(values, "xevtchn",
                                                        XAPIC),
                     "ratio_mainline_xapic_x2apic": ratio(values, XAPIC,
                                                          "mainline"),
                     "multiple_of_hypercall": multiples})

    samples = {layer: layers[layer].get("latency_cross_cpu", {}).get("samples")
               for layer in layers}
    notes = [n for layer in LAYERS for n in info[layer].get("notes", [])]
    report = {"xen": info["xevtchn"].get("xen"),
              "kernel": info["xevtchn"].get("kernel"), "notes": notes,
              "samples": samples, "rows": rows, "missing": missing,
              "raw": layers}
    (out / "bench.json").write_text(json.dumps(report, indent=2) + "\n")

    lines = [f"Xen {report['xen']}, guest kernel {report['kernel']}; "
             f"{samples['xevtchn']} samples per latency figure; "
             "x hypercall: the figure as a multiple of a bare EVTCHNOP_send "
             "to a masked port in the same guest.", "",
             "| workload | figure | xevtchn | mainline | ours/mainline | "
             "xevtchn x hypercall | mainline x hypercall |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        m = r["multiple_of_hypercall"]
        lines.append(f"| {r['workload']} | {r['figure']} ({r['better']} is "
                     f"better) | {r['xevtchn']} | {r['mainline']} | "
                     f"{r['ratio_ours_mainline']} | {m['xevtchn'] or '-'} | "
                     f"{m['mainline'] or '-'} |")
    lines += ["", "The APIC mode's share: the kernel's own layer again with "
              "its local APIC in xAPIC mode (nox2apic), as a nopv guest runs "
              "it.", "",
              "| workload | figure | xevtchn (xAPIC) | mainline, xAPIC | "
              "mainline, x2APIC | ours/mainline-xAPIC | "
              "mainline xAPIC/x2APIC | x hypercall: xevtchn, "
              "mainline xAPIC, mainline x2APIC |",
              "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if r[XAPIC] is None:
            continue
        m = r["multiple_of_hypercall"]
        lines.append(f"| {r['workload']} | {r['figure']} | {r['xevtchn']} | "
                     f"{r[XAPIC]} | {r['mainline']} | "
                     f"{r['ratio_ours_mainline_xapic']} | "
                     f"{r['ratio_mainline_xapic_x2apic']} | "
                     f"{m['xevtchn'] or '-'}, {m[XAPIC] or '-'}, "
                     f"{m['mainline'] or '-'} |")
    lines += [""] + [f"- {n}" for n in notes]
    table = "\n".join(lines) + "\n"
    (out / "bench.md").write_text(table)
    png = plot(cdfs, out)

    print(table)
    print(f"bench: {out / 'bench.md'}, {out / 'bench.json'}"
          + (f", {png}" if png else ""))
    if missing:
        print("bench: missing: " + "; ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
