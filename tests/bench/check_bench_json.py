#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs `rnnpool-cli bench --short --json` and checks the summary's fields and their consistency.
No timing assertions: the machine's speed and load are not the test's business. PyTorch may be
absent (it is not a build dependency); the run then says so and the PyTorch fields are null."""
import json
import math
import subprocess
import sys

cli = sys.argv[1]
run = subprocess.run([cli, "bench", "--short", "--json"], capture_output=True, text=True, timeout=600)
if run.returncode != 0:
    sys.exit(f"bench failed ({run.returncode}): {run.stderr.strip()}")
j = json.loads(run.stdout)


def positive(name):
    v = j.get(name)
    if not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
        sys.exit(f"{name} should be a positive number, got {v!r}")
    return v


for name in ("float_ms", "float_ms_all_threads", "quantized_ms", "quantized_streaming_ms",
             "quantized_over_float", "quantized_streaming_over_float"):
    positive(name)
if abs(j["quantized_over_float"] - j["quantized_ms"] / j["float_ms"]) > 1e-9 * j["quantized_over_float"]:
    sys.exit("quantized_over_float is not quantized_ms / float_ms")
if j["input"] != "320x240" or j["rounds"] != 3 or j["threads_all"] < 1:
    sys.exit(f"unexpected run description: {j['input']}, {j['rounds']} rounds, {j['threads_all']} threads")
layers = j["float_layers_ms"]
if [l["layer"] for l in layers][:3] != ["conv", "rnn_model", "rnn_pad"] or len(layers) != 28:
    sys.exit(f"float_layers_ms should list the 28 layers in order, got {[l['layer'] for l in layers]}")

torch = j["pytorch"]
for name in ("pytorch_ms", "pytorch_ms_all_threads", "speedup_vs_pytorch_1thread",
             "speedup_vs_pytorch_all_threads"):
    if name not in j:
        sys.exit(f"missing field {name}")
if torch["available"]:
    positive("pytorch_ms")
    positive("speedup_vs_pytorch_1thread")
    if abs(j["speedup_vs_pytorch_1thread"] - j["pytorch_ms"] / j["float_ms"]) > 1e-9 * j["pytorch_ms"]:
        sys.exit("speedup_vs_pytorch_1thread is not pytorch_ms / float_ms")
    # Same model, same weights, same input: the outputs must agree (float32 rounding only).
    if not torch["max_abs_diff_vs_float"] < 1e-3:
        sys.exit(f"PyTorch and the C++ float path disagree: max abs diff {torch['max_abs_diff_vs_float']}")
    print(f"PyTorch {torch['torch_version']} measured; outputs agree within {torch['max_abs_diff_vs_float']:.2e}")
else:
    if j["pytorch_ms"] is not None or j["speedup_vs_pytorch_1thread"] is not None:
        sys.exit("PyTorch unavailable but its fields are not null")
    print(f"PyTorch not measured (smoke continues without it): {torch['reason']}")
print("bench summary fields present")
