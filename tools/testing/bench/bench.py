#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench.py: turn the console logs of "make bench" into its report.

    bench.py --ours LOG --mainline LOG --out DIR

Reads the "# bench ..." lines that xevtchn_bench_ours.ko and
xevtchn_bench_mainline.ko printed in their guests, and writes to DIR:

    bench.json   every figure of both layers, the ratio ours/mainline, each
                 figure as a multiple of the bare hypercall, the Xen and
                 kernel versions, the number of samples
    bench.md     the same as a markdown table
    latency.png  the latency distributions of both layers (gnuplot)

then prints the table and where the files are. Exit status 1 when a
workload is missing from either log.
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

BENCH = re.compile(r"# bench (\S+) (.*)$")
CDF = re.compile(r"# bench-cdf (\S+) from=(\d+) (.*)$")
INFO = re.compile(r"# bench-info (.*)$")
XEN_VERSION = re.compile(r"\(XEN\) Xen version (\S+)")
GUEST_INIT = re.compile(r"XTH-GUEST: init ([^ ,]+)")

# (workload, figure, unit, better): the rows of the table.
ROWS = [
    ("send_masked_floor", "ns_per_call", "ns", "lower"),
    ("latency_same_cpu", "p50_ns", "ns", "lower"),
    ("latency_same_cpu", "p99_ns", "ns", "lower"),
    ("latency_same_cpu", "max_ns", "ns", "lower"),
    ("latency_cross_cpu", "p50_ns", "ns", "lower"),
    ("latency_cross_cpu", "p99_ns", "ns", "lower"),
    ("latency_cross_cpu", "max_ns", "ns", "lower"),
    ("throughput_1_channel", "events_per_s", "events/s", "higher"),
    ("throughput_64_channels", "events_per_s", "events/s", "higher"),
    ("ipi_round_trip", "p50_ns", "ns", "lower"),
    ("ipi_round_trip", "p99_ns", "ns", "lower"),
    ("dom0_round_trip", "p50_ns", "ns", "lower"),
    ("dom0_round_trip", "p99_ns", "ns", "lower"),
]


def read_log(path):
    """The figures, the CDFs and the versions in one console log."""
    figures, cdfs, info = {}, {}, {}
    for line in Path(path).read_text(errors="replace").splitlines():
        if m := XEN_VERSION.search(line):
            info["xen"] = m.group(1)
        if m := GUEST_INIT.search(line):
            info["kernel"] = m.group(1)
        if m := INFO.search(line):
            info.setdefault("notes", []).append(m.group(1).strip())
        if m := CDF.search(line):
            cdfs.setdefault(m.group(1), []).extend(
                int(v) for v in m.group(3).split())
            continue
        if m := BENCH.search(line):
            fields = dict(kv.split("=", 1) for kv in m.group(2).split())
            if m.group(1).startswith("layer="):
                continue
            figures[m.group(1)] = {k: (int(v) if v.isdigit() else v)
                                   for k, v in fields.items()}
    return figures, cdfs, info


def plot(cdfs, out):
    """Latency distributions of both layers, one line each."""
    series = [(layer, name, values) for layer in ("xevtchn", "mainline")
              for name, values in sorted(cdfs[layer].items())]
    if not series:
        return None
    data = out / "latency.dat"
    with open(data, "w") as f:
        for i, (layer, name, values) in enumerate(series):
            f.write(f"# {layer} {name}\n")
            for pct, v in enumerate(values, start=1):
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


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ours", required=True)
    p.add_argument("--mainline", required=True)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    layers, cdfs, info = {}, {}, {}
    for layer, log in (("xevtchn", args.ours), ("mainline", args.mainline)):
        layers[layer], cdfs[layer], info[layer] = read_log(log)

    floor = {layer: layers[layer].get("send_masked_floor", {})
             .get("ns_per_call") for layer in layers}
    rows, missing = [], []
    for workload, figure, unit, better in ROWS:
        values = {layer: layers[layer].get(workload, {}).get(figure)
                  for layer in layers}
        if None in values.values():
            missing.append(f"{workload} {figure}")
        ours, theirs = values["xevtchn"], values["mainline"]
        ratio = round(ours / theirs, 2) if ours and theirs else None
        multiples = {layer: round(values[layer] / floor[layer], 1)
                     if unit == "ns" and values[layer] and floor[layer] else None
                     for layer in layers}
        rows.append({"workload": workload, "figure": figure, "unit": unit,
                     "better": better, "xevtchn": ours, "mainline": theirs,
                     "ratio_ours_mainline": ratio,
                     "multiple_of_hypercall": multiples})

    samples = {layer: layers[layer].get("latency_cross_cpu", {}).get("samples")
               for layer in layers}
    notes = info["xevtchn"].get("notes", []) + info["mainline"].get("notes", [])
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
