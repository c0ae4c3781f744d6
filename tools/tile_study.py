#!/usr/bin/python3
"""The tile study of docs/tile-study.md: runs `aimcsim tile-report --json` on the HERMES preset and
prints the tables as Markdown. Standard library only.

usage: tools/tile_study.py [--bin build/bin/aimcsim] [--samples 200] [--seed 1]
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARCH = os.path.join(ROOT, "platform", "configs", "hermes_core.yaml")
TIMES = [("1 s", 1), ("1 h", 3600), ("1 day", 86400), ("1 year", 365 * 86400)]
IDEAL = ["tile.noise.programming_scale=0", "tile.noise.read_scale=0", "tile.noise.drift_scale=0"]


def tile_report(args, overrides, functional=True):
    cmd = [args.bin, "tile-report", "--json", "--arch", ARCH, "--seed", str(args.seed)]
    if functional:
        cmd += ["--functional", "--samples", str(args.samples)]
    for o in overrides:
        cmd += ["--set", o]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1"))
    return json.loads(out.stdout)


def error(report):
    """Two table cells: RMS error relative to the RMS exact output, and to the output full scale."""
    f = report["functional"]
    return "%.2f %% | %.3f %%" % (100 * f["rms_error_rel"], 100 * f["rms_error_fs"])


def efficiency_table(args):
    r = tile_report(args, [], functional=False)
    lat, en, area = r["latency_ns"], r["energy_pj"], r["area_breakdown_mm2"]
    print("| figure | aimcsim | HERMES (published) |")
    print("|---|---|---|")
    print("| latency per MVM | %.1f ns (input %.1f, integration %.1f, conversion %.1f, digital %.1f) | ~130 ns |"
          % (lat["total"], lat["input"], lat["integration"], lat["conversion"], lat["digital"]))
    print("| energy per MVM | %.2f nJ (drivers %.2f, array %.2f, ADC %.2f, periphery %.2f) | ~12.5 nJ |"
          % (en["total"] / 1e3, en["dac"] / 1e3, en["array"] / 1e3, en["adc"] / 1e3, en["periphery"] / 1e3))
    print("| area | %.3f mm2 (array %.3f, drivers %.3f, ADCs %.3f, digital %.3f) | ~0.63 mm2 |"
          % (r["area_mm2"], area["array"], area["drivers"], area["adcs"], area["digital"]))
    print("| TOPS/W | %.2f | 10.5 |" % r["tops_per_w"])
    print("| TOPS/mm2 | %.2f | 1.59 |" % r["tops_per_mm2"])


def adc_bits_table(args):
    print("| ADC bits | column-RMS range, PCM: / RMS | / FS | full-scale range, PCM: / RMS | / FS "
          "| column-RMS range, ideal devices: / RMS | / FS |")
    print("|---|---|---|---|---|---|---|")
    for bits in [4, 5, 6, 7, 8, 10, 12]:
        b = "tile.adc.bits=%d" % bits
        print("| %d | %s | %s | %s |" % (bits, error(tile_report(args, [b])),
                                         error(tile_report(args, [b, "tile.adc.range=full_scale"])),
                                         error(tile_report(args, [b] + IDEAL))))


def drift_table(args):
    print("| time since programming | without compensation: / RMS | / FS | with compensation: / RMS | / FS "
          "| compensation factor |")
    print("|---|---|---|---|---|---|")
    for name, t in TIMES:
        at = "tile.noise.time_since_programming_s=%g" % t
        off = tile_report(args, [at, "tile.noise.drift_compensation=false"])
        on = tile_report(args, [at, "tile.noise.drift_compensation=true"])
        print("| %s | %s | %s | %.3f |" % (name, error(off), error(on), on["functional"]["drift_compensation"]))


SAR = ["tile.adc.type=sar", "tile.adc.integrating=false", "tile.adc.step_ns=0.25", "tile.adc.fom_fj_per_step=35",
       "tile.adc.area_um2=1200", "tile.integrator_pj=0.1"]  # Kull ISSCC'13 FoM, ISAAC area (adc.cpp table)
VARIANTS = [
    ("HERMES preset (PWM one phase, integrating CCO)", []),
    ("PWM four quadrant", ["tile.input_sign=four_quadrant"]),
    ("bit-serial inputs, SAR per column", ["tile.input_encoding=bit_serial"] + SAR),
    ("PWM, SAR shared by 8 columns", SAR + ["tile.adc.columns_per_adc=8"]),
    ("PWM, ramp ADC per column", ["tile.adc.type=ramp", "tile.adc.integrating=false", "tile.adc.fom_fj_per_step=50",
                                  "tile.adc.area_um2=150", "tile.integrator_pj=0.1"]),
    ("differential pairs (2 devices per weight)", ["tile.weight_encoding=differential"]),
    ("SRAM charge domain, 7 bit slices, bit-serial, SAR",
     ["tile.technology=sram", "tile.weight_encoding=bit_sliced", "tile.bit_slices=7", "tile.input_encoding=bit_serial",
      "tile.cols=1792", "tile.cell_area_um2=0.5"] + SAR),
]


def design_space_table(args):
    print("| variant (overrides of the HERMES preset) | latency ns | energy nJ | TOPS/W | TOPS/mm2 | error / RMS |")
    print("|---|---|---|---|---|---|")
    for name, overrides in VARIANTS:
        r = tile_report(args, overrides)
        print("| %s | %.1f | %.2f | %.2f | %.2f | %.2f %% |" % (
            name, r["latency_ns"]["total"], r["energy_pj"]["total"] / 1e3, r["tops_per_w"], r["tops_per_mm2"],
            100 * r["functional"]["rms_error_rel"]))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bin", default=os.path.join(ROOT, "build", "bin", "aimcsim"))
    p.add_argument("--samples", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit("tile_study.py: %s is not an executable; build first (make build) or pass --bin" % args.bin)
    print("### HERMES preset against the published core\n")
    efficiency_table(args)
    print("\n### MVM error vs ADC bits, PCM at t = 0 and ideal devices\n")
    adc_bits_table(args)
    print("\n### MVM error vs time since programming, PCM, 8-bit ADC\n")
    drift_table(args)
    print("\n### Across the design space (PCM at t = 0 unless stated)\n")
    design_space_table(args)


if __name__ == "__main__":
    main()
