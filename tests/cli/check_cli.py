#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs rnnpool-cli and checks its output. Usage: check_cli.py RNNPOOL_CLI CHECK_NAME.

Expected numbers are computed here from the architectures' layer tables, independently of the
C++ code, and printed so the test log records what was measured."""
import csv
import io
import json
import subprocess
import sys


def run(cli, *args, expect_rc=0):
    p = subprocess.run([cli, *args], capture_output=True, text=True, timeout=120)
    if p.returncode != expect_rc:
        sys.exit(f"{' '.join(args)}: exit {p.returncode}, expected {expect_rc}\n{p.stderr}")
    return p


def analyze_json(cli, model):
    data = json.loads(run(cli, "analyze", "--model", model, "--format", "json").stdout)
    for layer in data["layers"]:
        for key in ("name", "op", "block", "input_shapes", "output_shape", "bytes_f32",
                    "bytes_i8", "params", "madds"):
            assert key in layer, f"layer {layer.get('name')} lacks '{key}'"
        assert layer["bytes_f32"] == 4 * layer["bytes_i8"], layer["name"]
    totals = data["totals"]
    assert totals["params"] == sum(l["params"] for l in data["layers"])
    assert totals["madds"] == sum(l["madds"] for l in data["layers"])
    print(f"{model}: params {totals['params']:,}, MAdds {totals['madds']:,}")
    return data


class Net:
    """Independent count: conv params out*k*k*in/groups + bias, MAdds out_elements*k*k*in/groups."""

    def __init__(self, h, w, c):
        self.h, self.w, self.c, self.params, self.madds = h, w, c, 0, 0

    def conv(self, out, k, s, dw=False):
        per = k * k * (1 if dw else self.c)
        self.h = (self.h + 2 * (k // 2) - k) // s + 1
        self.w = (self.w + 2 * (k // 2) - k) // s + 1
        self.params += out * per + out
        self.madds += self.h * self.w * out * per
        self.c = out

    def stage(self, t, c, n, s):
        for i in range(n):
            hid = self.c * t
            if t != 1:
                self.conv(hid, 1, 1)
            self.conv(hid, 3, s if i == 0 else 1, dw=True)
            self.conv(c, 1, 1)

    def tail(self):
        self.conv(1280, 1, 1)
        self.params += 1280 * 1000 + 1000
        self.madds += 1280 * 1000


def check_mobilenetv2(cli):
    d = analyze_json(cli, "mobilenetv2")
    n = Net(224, 224, 3)
    n.conv(32, 3, 2)
    for st in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
               (6, 160, 3, 2), (6, 320, 1, 1)]:
        n.stage(*st)
    n.tail()
    t = d["totals"]
    assert 3.4e6 <= t["params"] <= 3.6e6, t["params"]
    assert abs(t["madds"] - 300e6) <= 0.03 * 300e6, t["madds"]
    assert (t["params"], t["madds"]) == (n.params, n.madds), (n.params, n.madds)
    assert d["layers"][0]["output_shape"] == "112x112x32"
    assert d["layers"][-1]["output_shape"] == "1x1x1000"


def check_mobilenetv2_rnnpool(cli):
    d = analyze_json(cli, "mobilenetv2-rnnpool")
    n = Net(224, 224, 3)
    n.conv(32, 3, 2)
    # RNNPool 6/4, k=32, h1=h2=16 over 27x27 patches, then replicate pad to 28x28x64.
    steps1, steps2 = 2 * 6 * 6, 4 * 6
    n.madds += 27 * 27 * (steps1 * (32 * 16 + 16 * 16) + steps2 * (16 * 16 + 16 * 16))
    n.params += (32 * 16 + 16 * 16 + 2 * 16 + 2) + (16 * 16 + 16 * 16 + 2 * 16 + 2)
    n.h, n.w, n.c = 28, 28, 64
    for st in [(6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        n.stage(*st)
    n.tail()
    t = d["totals"]
    assert (t["params"], t["madds"]) == (n.params, n.madds), (n.params, n.madds)
    assert abs(t["madds"] - 265e6) <= 0.01 * 265e6, t["madds"]
    assert abs(t["params"] - 3.49e6) <= 0.01 * 3.49e6, t["params"]
    shapes = {l["name"]: l["output_shape"] for l in d["layers"]}
    assert shapes["rnn_model"] == "27x27x64" and shapes["rnn_pad"] == "28x28x64", shapes


def check_face_m4(cli):
    d = analyze_json(cli, "rnnpool-face-m4")
    shapes = {l["name"]: l["output_shape"] for l in d["layers"]}
    expected = {"conv": "160x120x4", "rnn_pad": "40x30x64", "mob.0.project": "40x30x32",
                "mob.1.add": "40x30x32", "mob.2.project": "20x15x64", "mob.3.add": "20x15x64",
                "loc.0": "40x30x4", "conf.0": "40x30x4", "conf.1": "40x30x2",
                "loc.3": "20x15x4", "conf.3": "20x15x2"}
    for name, shape in expected.items():
        assert shapes[name] == shape, (name, shapes[name], shape)
    pool = next(l for l in d["layers"] if l["name"] == "rnn_model")
    assert pool["madds"] == 29 * 39 * (128 * (4 * 16 + 256) + 32 * (256 + 256)), pool["madds"]
    rows = list(csv.DictReader(io.StringIO(
        run(cli, "analyze", "--model", "rnnpool-face-m4", "--format", "csv").stdout)))
    assert [r["name"] for r in rows[:-1]] == [l["name"] for l in d["layers"]]
    assert rows[-1]["name"] == "TOTAL" and int(rows[-1]["madds"]) == d["totals"]["madds"]


def check_bad_model(cli):
    for arg in ("no-such-model", "missing-file.npz"):
        p = run(cli, "analyze", "--model", arg, expect_rc=1)
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith(f"rnnpool-cli: cannot open model '{arg}': "), lines[0]
        assert p.stdout == "", p.stdout


def plan_json(cli, model, strategy, dtype):
    d = json.loads(run(cli, "plan", "--model", model, "--strategy", strategy, "--dtype", dtype,
                       "--format", "json").stdout)
    for key in ("peak_bytes", "peak_step", "arena_bytes", "steps"):
        assert key in d, key
    # Replay: live buffers of a step never overlap, totals add up, the arena holds them all.
    for step in d["steps"]:
        bufs = sorted((b["offset"], b["offset"] + b["bytes"], b["name"]) for b in step["buffers"]
                      if b["bytes"] > 0)
        end, last = 0, None
        for begin, stop, name in bufs:
            assert begin >= end, f"{name} overlaps {last} at {step['layer']}"
            end, last = stop, name
        assert sum(b["bytes"] for b in step["buffers"]) == step["live_bytes"], step["layer"]
        assert all(e <= d["arena_bytes"] for _, e, _ in bufs), step["layer"]
    assert d["peak_bytes"] == max(s["live_bytes"] for s in d["steps"])
    assert d["steps"][d["peak_step"]]["live_bytes"] == d["peak_bytes"]
    assert d["arena_bytes"] >= d["peak_bytes"]
    print(f"{model} {strategy} {dtype}: peak {d['peak_bytes']:,} B "
          f"({d['peak_bytes'] / 2**20:.4f} MiB) at {d['steps'][d['peak_step']]['layer']}, "
          f"arena {d['arena_bytes']:,} B")
    return d


def check_plan_paper(cli):
    d = plan_json(cli, "mobilenetv2", "paper", "f32")
    assert abs(d["peak_bytes"] / 2**20 - 2.2969) <= 0.01 * 2.2969, d["peak_bytes"]
    d = plan_json(cli, "mobilenetv2-rnnpool", "paper", "f32")
    assert abs(d["peak_bytes"] / 2**20 - 0.24) <= 0.03 * 0.24, d["peak_bytes"]


def check_plan_layer(cli):
    d = plan_json(cli, "rnnpool-face-m4", "layer", "i8")
    # mob.0.dw: 40x30x128 int8 in and out plus 128*9 int16 of depthwise scratch.
    assert d["peak_bytes"] == 2 * 40 * 30 * 128 + 128 * 9 * 2, d["peak_bytes"]
    print(f"reference C code buffer: 184,576 B; layer plan peak exceeds it by "
          f"{d['peak_bytes'] - 184576:,} B")
    rows = list(csv.DictReader(io.StringIO(run(
        cli, "plan", "--model", "rnnpool-face-m4", "--strategy", "layer", "--dtype", "i8",
        "--format", "csv").stdout)))
    assert len(rows) == sum(len(s["buffers"]) for s in d["steps"])


def check_plan_streaming(cli):
    d = json.loads(run(cli, "plan", "--model", "rnnpool-face-m4", "--strategy", "streaming",
                       "--dtype", "i8", "--format", "json").stdout)
    assert d["arena_bytes"] <= 81920, d["arena_bytes"]  # issue 3, acceptance 3
    assert d["peak_bytes"] <= d["arena_bytes"]
    names = {b["name"] for b in d["buffers"]}
    for expected in ("input.rows", "conv.band", "rnn_pad.row", "mob.0.expand.ring",
                     "head.3.window", "detect.candidates"):
        assert expected in names, expected
    assert d["steps"][0]["layer"] == "rnn_model row 0", d["steps"][0]
    print(f"streaming i8 arena {d['arena_bytes']:,} B, peak at {d['peak_layer']}")


def check_plan_errors(cli):
    for args in (["--model", "mobilenetv2", "--strategy", "streaming"],
                 ["--model", "mobilenetv2", "--strategy", "bands"],
                 ["--model", "nope", "--strategy", "layer"]):
        p = run(cli, "plan", *args, expect_rc=1)
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("rnnpool-cli: "), lines


CHECKS = {"plan-paper": check_plan_paper, "plan-layer": check_plan_layer,
          "plan-errors": check_plan_errors, "plan-streaming": check_plan_streaming,
          "analyze-mobilenetv2": check_mobilenetv2,
          "analyze-mobilenetv2-rnnpool": check_mobilenetv2_rnnpool,
          "analyze-face-m4": check_face_m4, "analyze-bad-model": check_bad_model}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in CHECKS:
        sys.exit(f"usage: {sys.argv[0]} RNNPOOL_CLI {{{','.join(CHECKS)}}}")
    CHECKS[sys.argv[2]](sys.argv[1])
    print("ok")
