#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch eager reference for the latency comparison (docs/performance.md): the same RNNPool-Face-M4
(tools/training/model.py), the same weights (the model NPZ loaded by state_dict name), the same input.

One-shot:  bench/pytorch_reference.py --model m.npz --input x.npy [--repeats 20]
           prints {"pytorch_ms": median 1 thread, "pytorch_ms_all_threads": ..., ...} as JSON.
Serve:     ... --serve: prints one JSON "ready" line, then answers each stdin line "time THREADS N"
           with {"ms": [N per-frame times]}; "quit" ends. rnnpool-cli bench drives this so that
           C++ and PyTorch rounds interleave under the same machine load.
Exit status 3 with a JSON {"error": ...} line when PyTorch or the model definition is missing.
x.npy: float32 [H, W] or [H, W, 1] (mean already subtracted). --reference ref.npz: the C++ float
head outputs (HWC, named loc.k / conf.k); the answer then includes the largest difference.
"""
import argparse
import json
import os
import statistics
import sys
import time


def fail(message):
    print(json.dumps({"error": message}), flush=True)
    sys.exit(3)


def load_model_module(path):
    if not os.path.isfile(path):
        fail(f"model definition {path} not found (set RNNPOOL_TORCH_MODEL_PY)")
    import importlib.util
    spec = importlib.util.spec_from_file_location("rnnpool_torch_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_weights(model, npz_path, np, torch):
    """Every parameter and buffer from the NPZ by state_dict name; aliases (the reference's
    unrollRNN.* names share their tensors) may be absent, num_batches_tracked too."""
    arrays = np.load(npz_path)
    state = model.state_dict(keep_vars=True)
    loaded = set()
    with torch.no_grad():
        for name, tensor in state.items():
            if name not in arrays.files:
                continue
            value = torch.from_numpy(np.asarray(arrays[name])).to(tensor.dtype)
            if tuple(value.shape) != tuple(tensor.shape):
                fail(f"{npz_path}: {name} has shape {tuple(value.shape)}, the model wants {tuple(tensor.shape)}")
            tensor.copy_(value)
            loaded.add(tensor.data_ptr())
    missing = [n for n, t in state.items()
               if n not in arrays.files and not n.endswith("num_batches_tracked") and t.data_ptr() not in loaded]
    if missing:
        fail(f"{npz_path}: no array for {missing[0]} ({len(missing)} missing)")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_model_py = os.environ.get("RNNPOOL_TORCH_MODEL_PY",
                                      os.path.join(here, "..", "tools", "training", "model.py"))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="model NPZ (PyTorch state_dict names)")
    ap.add_argument("--input", required=True, help="input .npy, float32 HxW or HxWx1")
    ap.add_argument("--reference", default="", help="C++ float head outputs .npz to compare with")
    ap.add_argument("--model-py", default=default_model_py, help="the PyTorch model definition")
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--serve", action="store_true")
    args = ap.parse_args()

    # Idle OpenMP workers wait passively: spinning ones make multi-thread runs several times slower
    # whenever other processes share the cores (measured: 2 threads 1085 ms vs 82 ms passive on the
    # loaded 2-core CI machine). Set before torch loads its OpenMP runtime; an explicit setting wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import numpy as np
        import torch
    except ImportError as e:
        fail(f"PyTorch not available ({e}); install python3-torch")
    module = load_model_module(os.path.abspath(args.model_py))
    # All the CPUs this process may use (OMP_NUM_THREADS may have lowered torch's own default).
    all_threads = max(torch.get_num_threads(), len(os.sched_getaffinity(0)))
    torch.set_num_threads(1)
    model = module.RPoolFaceM4().eval()
    load_weights(model, args.model, np, torch)
    x = np.load(args.input).astype(np.float32)
    x = torch.from_numpy(x.reshape(1, 1, x.shape[0], x.shape[1]).copy())

    def forward():
        with torch.no_grad():
            return model(x)

    outs = forward()  # warm-up, and the outputs for the comparison
    info = {"torch_version": torch.__version__, "all_threads": all_threads,
            "input": f"{x.shape[3]}x{x.shape[2]}"}
    if args.reference:
        ref = np.load(args.reference)
        worst = 0.0
        for k in range(len(outs) // 2):
            for i, name in ((2 * k, f"loc.{k}"), (2 * k + 1, f"conf.{k}")):
                mine = outs[i][0].permute(1, 2, 0).numpy()  # NCHW -> HWC
                worst = max(worst, float(np.abs(mine - ref[name].reshape(mine.shape)).max()))
        info["max_abs_diff_vs_float"] = worst

    def time_frames(threads, n):
        torch.set_num_threads(threads)
        ms = []
        for _ in range(n):
            start = time.perf_counter()
            forward()
            ms.append(1000.0 * (time.perf_counter() - start))
        return ms

    if args.serve:
        print(json.dumps({"ready": True, **info}), flush=True)
        for line in sys.stdin:
            parts = line.split()
            if not parts or parts[0] == "quit":
                break
            if parts[0] != "time" or len(parts) != 3:
                print(json.dumps({"error": f"unknown request '{line.strip()}'"}), flush=True)
                continue
            threads = all_threads if int(parts[1]) <= 0 else int(parts[1])
            print(json.dumps({"ms": time_frames(threads, int(parts[2]))}), flush=True)
        return
    one, every = [], []
    for _ in range(args.repeats):  # interleaved so load changes affect both alike
        one += time_frames(1, 1)
        every += time_frames(all_threads, 1)
    print(json.dumps({"pytorch_ms": statistics.median(one),
                      "pytorch_ms_all_threads": statistics.median(every), **info}))


if __name__ == "__main__":
    main()
