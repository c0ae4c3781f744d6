#!/usr/bin/python3
"""Issue 11's system study: every zoo network on jain2023.yaml and on the smallest of default/large/
xlarge that holds it, power management on/off, balanced/not, 64 inferences (enough for the
balanced pipelines to reach steady state). Prints a Markdown table.
Usage: /usr/bin/python3 tools/system_study.py [build/bin/aimcsim]"""
import json, subprocess, sys, tempfile

AIMCSIM = sys.argv[1] if len(sys.argv) > 1 else "build/bin/aimcsim"
HOME = {"mlp": "default", "cnn": "default", "resnet18": "default", "mobilenetv2": "default",
        "lstm2": "default", "resnet50": "large", "bert_base": "xlarge"}
CASES = [("on", "all", []), ("off", "all", ["--set", "power.power_gating=false", "--set", "power.clock_gating=false"]),
         ("on", "off", ["--balance", "off"])]


def run(network, preset, extra):
    with tempfile.TemporaryDirectory() as out:
        cmd = [AIMCSIM, "run", "--network", network, "--arch", f"platform/configs/{preset}.yaml",
               "--inferences", "64", "-o", out] + extra
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return json.load(open(f"{out}/report.json"))


def row(network, preset, pm, balance, r):
    e = r["energy"]["breakdown_pj"]
    total = sum(e.values())
    split = {k: v / total for k, v in e.items()}
    top = sorted(split.items(), key=lambda kv: -kv[1])[:3]
    b = r["bottleneck"]
    where = f'{b["unit_kind"]} ({b["layer"]})' if b["layer"] else b["unit_kind"]
    return (f'| {network} | {preset} | {pm} | {balance} | {r["utilization"]["tiles_used"]} | '
            f'{r["timing"]["throughput_inferences_per_s"]:.0f} | {r["timing"]["latency_ns"] / 1e3:.1f} | '
            f'{r["efficiency"]["tops_per_w"]:.2f} | {r["efficiency"]["tops_per_mm2"]:.3f} | {where} | '
            + ", ".join(f"{k} {100 * v:.0f} %" for k, v in top) + " |")


print("| network | preset | power mgmt | balance | tiles | inferences/s | latency µs | TOPS/W | TOPS/mm² | bottleneck | energy split (top 3) |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for network, home in HOME.items():
    for preset in (home, "jain2023"):
        for pm, balance, extra in CASES:
            print(row(network, preset, pm, balance, run(network, preset, extra)), flush=True)
