#!/usr/bin/python3
"""PNG plots from aimcsim reports and sweep results (Debian python3-matplotlib).

  plot.py report REPORT.json -o DIR     mesh heatmaps of temporal and spatial tile utilisation,
                                        energy breakdown, per-layer energy (and latency if reported)
  plot.py sweep RESULTS.csv --x KEY --y METRIC [--group KEY] -o FILE.png
                                        one curve per value of --group
  plot.py compare A.csv [B.csv ...] --x KEY --y METRIC [METRIC ...] -o FILE.png
                                        one panel per metric; bars per value of --x, one group per
                                        CSV (labelled by its file name)
"""
import argparse
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def mesh_heatmap(report, field, title, path):
    cols, rows = report["arch"]["mesh"]
    grid = [[float("nan")] * cols for _ in range(rows)]
    for tile in report["utilization"]["per_tile"]:
        grid[tile["y"]][tile["x"]] = 100.0 * tile[field]
    fig, ax = plt.subplots(figsize=(1 + 0.5 * cols, 0.8 + 0.5 * rows))
    image = ax.imshow(grid, cmap="viridis", vmin=0, vmax=100)
    ax.set_title(title)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    fig.colorbar(image, ax=ax, label="%  (blank: not a tile)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def energy_breakdown(report, path):
    inferences = report["run"]["inferences"]
    items = [(k, v / inferences / 1e3) for k, v in report["energy"]["breakdown_pj"].items()]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.barh([k for k, _ in items], [v for _, v in items])
    ax.set_xlabel("nJ per inference")
    ax.set_title("energy breakdown: %s on %s" % (report["network"]["name"], report["arch"]["name"]))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def per_layer(report, key, label, path):
    layers = [l for l in report.get("layers", []) if key in l]
    if not layers:
        return False
    fig, ax = plt.subplots(figsize=(max(6, 0.35 * len(layers)), 3.5))
    ax.bar(range(len(layers)), [l[key] for l in layers])
    ax.set_xticks(range(len(layers)))
    ax.set_xticklabels([l["name"] for l in layers], rotation=90, fontsize=7)
    ax.set_ylabel(label)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def plot_report(args):
    with open(args.report) as f:
        report = json.load(f)
    os.makedirs(args.o, exist_ok=True)
    written = []

    def out(name):
        written.append(os.path.join(args.o, name))
        return written[-1]

    mesh_heatmap(report, "temporal", "temporal tile utilisation", out("temporal_utilization.png"))
    mesh_heatmap(report, "spatial", "spatial tile utilisation", out("spatial_utilization.png"))
    energy_breakdown(report, out("energy_breakdown.png"))
    if not per_layer(report, "energy_per_inference_pj", "pJ per inference", out("layer_energy.png")):
        written.pop()
    if not per_layer(report, "latency_ns", "ns", out("layer_latency.png")):
        written.pop()
    print("\n".join(written))


def number(text):
    try:
        return float(text)
    except ValueError:
        return text


def ok_rows(path, keys):
    with open(path) as f:
        rows = [r for r in csv.DictReader(f) if r["status"] == "ok"]
    for key in keys:
        if rows and key not in rows[0]:
            sys.exit("plot.py: %s: no column %r" % (path, key))
    return rows


def plot_sweep(args):
    rows = ok_rows(args.results, [args.x, args.y] + ([args.group] if args.group else []))
    groups = {}
    for r in rows:
        groups.setdefault(r[args.group] if args.group else "", []).append((number(r[args.x]), float(r[args.y])))
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, points in sorted(groups.items(), key=lambda g: number(g[0])):
        points.sort()
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o",
                label="%s = %s" % (args.group, name) if args.group else None)
    ax.set_xlabel(args.x)
    ax.set_ylabel(args.y)
    if args.logx:
        ax.set_xscale("log")
    if args.group:
        ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(args.o, dpi=120)
    print(args.o)


def plot_compare(args):
    tables = [(os.path.splitext(os.path.basename(p))[0], ok_rows(p, [args.x] + args.y)) for p in args.results]
    values = sorted({r[args.x] for _, rows in tables for r in rows}, key=number)
    width = 0.8 / max(1, len(values))
    fig, axes = plt.subplots(1, len(args.y), figsize=(3.2 * len(args.y), 3.6), squeeze=False)
    for ax, metric in zip(axes[0], args.y):
        for k, value in enumerate(values):
            heights = [next((float(r[metric]) for r in rows if r[args.x] == value), 0.0) for _, rows in tables]
            ax.bar([i + k * width for i in range(len(tables))], heights, width, label="%s = %s" % (args.x, value))
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(tables))])
        ax.set_xticklabels([name for name, _ in tables], fontsize=8)
        ax.set_title(metric, fontsize=9)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.o, dpi=120)
    print(args.o)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report")
    report.add_argument("report")
    report.add_argument("-o", default="plots")
    sweep = sub.add_parser("sweep")
    sweep.add_argument("results")
    sweep.add_argument("--x", required=True)
    sweep.add_argument("--y", required=True)
    sweep.add_argument("--group")
    sweep.add_argument("--logx", action="store_true", help="logarithmic x axis")
    sweep.add_argument("-o", default="sweep.png")
    compare = sub.add_parser("compare")
    compare.add_argument("results", nargs="+")
    compare.add_argument("--x", required=True)
    compare.add_argument("--y", required=True, nargs="+")
    compare.add_argument("-o", default="compare.png")
    args = parser.parse_args()
    {"report": plot_report, "sweep": plot_sweep, "compare": plot_compare}[args.command](args)


if __name__ == "__main__":
    main()
