#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Exports a trained RNNPool-Face-M4 to the project's model file, and golden parity data.

    /usr/bin/python3 tools/training/export.py --checkpoint data/training/run1/checkpoint.pth \
        --out resources/models/rnnpool-face-m4.npz [--parity-dir tests/data/parity --dataset data/dataset]
    /usr/bin/python3 tools/training/export.py --random-init 7 --parity-dir tests/data/parity   # untrained

Model file: NPZ with the state_dict names (float32; the unrollRNN aliases included, as in the
reference; num_batches_tracked left out) + a JSON manifest sidecar with only the keys the C++
manifest parser knows (it is strict); training details go to <name>.training.json.
Parity file per input: "input" [H, W] float32 (after pre-processing) and every head's raw output in
HWC order ("loc.k" [h, w, 4], "conf.k" [h, w, C]), plus "boxes" [N, 5] (x1, y1, x2, y2 in input
pixels, face score) after decoding, score > 0.05, NMS 0.3, top 5000 / keep 750.
"""
import argparse
import copy
import glob
import json
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import RPoolFaceM4, decode, flatten_heads, priors  # noqa: E402
from preprocess import DEFAULT_MEAN, preprocess  # noqa: E402

HEAD_NAMES = [f"{kind}.{k}" for k in range(4) for kind in ("loc", "conf")]


def manifest(mean, description):
    return {"architecture": "rnnpool-face-m4", "description": description, "input_width": 320,
            "input_height": 240, "mean": float(mean), "score_threshold": 0.5, "candidate_threshold": 0.05,
            "nms_iou": 0.3, "top_k": 5000, "keep_top_k": 750}


def export_model(model, path, info):
    """Writes path (.npz), its .json manifest and a .training.json with the training details."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    arrays = {k: v.detach().cpu().numpy().astype(np.float32)
              for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
    tmp = path + ".tmp.npz"
    np.savez_compressed(tmp, **arrays)
    os.replace(tmp, path)
    base = path[:-4] if path.endswith(".npz") else path
    if info.get("step", 0) == 0:
        desc = f"RNNPool-Face-M4, untrained (random init, seed {info.get('seed')}): for parity tests only"
    else:
        desc = (f"RNNPool-Face-M4 trained by tools/training/train.py: seed {info.get('seed')}, step {info.get('step')} "
                f"of {info.get('steps')}, dataset manifest sha256 {str(info.get('dataset_manifest_sha256', ''))[:16]}")
    with open(base + ".json", "w") as f:
        json.dump(manifest(info.get("mean", DEFAULT_MEAN), desc), f, indent=2)
        f.write("\n")
    with open(base + ".training.json", "w") as f:
        json.dump(info, f, indent=2, sort_keys=True)
        f.write("\n")


def nms(boxes, scores, thr, top_k, keep_top_k):
    """Greedy NMS (IoU > thr suppresses), highest score first, as in the spec; returns indices."""
    order = np.argsort(-scores, kind="stable")[:top_k]
    b = boxes[order].astype(np.float64)
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    alive = np.ones(len(order), bool)
    keep = []
    for i in range(len(order)):
        if not alive[i]:
            continue
        keep.append(order[i])
        if len(keep) == keep_top_k:
            break
        ix = np.clip(np.minimum(b[i, 2], b[i + 1:, 2]) - np.maximum(b[i, 0], b[i + 1:, 0]), 0, None)
        iy = np.clip(np.minimum(b[i, 3], b[i + 1:, 3]) - np.maximum(b[i, 1], b[i + 1:, 1]), 0, None)
        inter = ix * iy
        alive[i + 1:] &= inter / np.maximum(area[i] + area[i + 1:] - inter, 1e-12) <= thr
    return keep


def golden(model, x):
    """x [H, W] float32 -> dict of arrays for one parity file.

    The reference runs in float64: PyTorch's own float32 forward pass of a trained model is up to
    ~1.5e-4 away from the exact result (accumulation order), as far as any other float32
    implementation may be, so a float32 golden could not hold a 1e-4 bound. Stored as float32."""
    model = copy.deepcopy(model).double().eval()
    with torch.no_grad():
        outs = model(torch.from_numpy(x.astype(np.float64))[None, None])
        loc, conf = flatten_heads(outs)
        pri = priors(outs, x.shape[1], x.shape[0])
        boxes = decode(loc[0], pri).numpy() * [x.shape[1], x.shape[0], x.shape[1], x.shape[0]]
        scores = torch.softmax(conf[0], -1)[:, 1].numpy()
    res = {"input": x.astype(np.float32)}
    for name, o in zip(HEAD_NAMES, outs):
        res[name] = o[0].permute(1, 2, 0).contiguous().numpy().astype(np.float32)
    cand = np.nonzero(scores > 0.05)[0]
    keep = nms(boxes[cand], scores[cand], 0.3, 5000, 750)
    res["boxes"] = np.array([[*boxes[cand[i]], scores[cand[i]]] for i in keep], np.float32).reshape(-1, 5)
    return res


def parity_inputs(dataset, mean, seed):
    """(name, [H, W] input): 2 dataset images, 1 seeded random 320x240, 1 non-4:3 still."""
    out = []
    rows = [json.loads(line) for line in open(os.path.join(dataset, "manifest.jsonl"))] if dataset else []
    picks = [r for r in rows if r["kind"] == "video" and r["split"] == "eval"][:1] + \
            [r for r in rows if r["kind"] == "synthetic" and len(r["boxes"]) >= 2][:1]
    for r in picks:
        x, _ = preprocess(cv2.imread(os.path.join(dataset, r["path"])), mean)
        out.append((f"{r['kind']}_{os.path.splitext(os.path.basename(r['path']))[0]}", x))
    rng = np.random.default_rng(seed)
    # Whole grey levels: as random as needed, and they compress (the files are committed).
    out.append(("random_320x240", (rng.integers(0, 256, (240, 320)).astype(np.float32) - mean).astype(np.float32)))
    wide = [r for r in rows if r["kind"] == "still" and r["split"] == "eval"
            and abs(r["width"] / r["height"] - 4 / 3) > 0.1]
    if wide:
        x, _ = preprocess(cv2.imread(os.path.join(dataset, wide[-1]["path"])), mean)
        out.append((f"still_{os.path.splitext(os.path.basename(wide[-1]['path']))[0]}", x))
    else:  # no dataset: a seeded 16:9 gradient image
        g = np.linspace(0, 255, 426, dtype=np.float32)[None].repeat(180, 0)
        out.append(("gradient_426x180", (g + rng.normal(0, 8, g.shape) - mean).astype(np.float32)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", default="")
    ap.add_argument("--random-init", type=int, default=None, help="export an untrained model with this torch seed")
    ap.add_argument("--out", default="", help="model .npz to write")
    ap.add_argument("--calibrate-batches", type=int, default=20,
                    help="re-estimate batch-norm statistics on this many training batches (0: keep the checkpoint's)")
    ap.add_argument("--parity-dir", default="")
    ap.add_argument("--parity-prefix", default="", help="file name prefix, e.g. 'random_init_'")
    ap.add_argument("--dataset", default="data/dataset")
    ap.add_argument("--parity-inputs", default="video,synthetic,random,still",
                    help="which parity inputs to write (keeps the committed files small)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    model = RPoolFaceM4()
    if args.checkpoint:
        ck = torch.load(args.checkpoint, map_location="cpu")
        model.load_state_dict(ck["weight"])
        info = dict(ck.get("info", {}))
        if args.calibrate_batches > 0:
            from bn_calibration import crop_batches, recalibrate_bn

            crop = tuple(int(v) for v in info.get("crop", "224x168").split("x"))
            zoom = tuple(float(v) for v in info.get("zoom", "0.7,1.4").split(","))
            make_batch = crop_batches(args.dataset, info.get("seed", 1) * 1000003 + info.get("step", 0),
                                      info.get("batch", 12), crop, info.get("mean", DEFAULT_MEAN), zoom,
                                      info.get("kind_weights"))
            model = recalibrate_bn(model, make_batch, args.calibrate_batches)
            info["bn_recalibrated_batches"] = args.calibrate_batches
    elif args.random_init is not None:
        torch.manual_seed(args.random_init)
        model = RPoolFaceM4()
        # Non-trivial BN statistics and RNN gates so that parity exercises every term.
        with torch.no_grad():
            for name, p in model.state_dict().items():
                if name.endswith("running_mean"):
                    p.uniform_(-0.5, 0.5)
                elif name.endswith("running_var"):
                    p.uniform_(0.5, 2.0)
                elif name.endswith((".zeta", ".nu")) or name.endswith("bias_gate"):
                    p.uniform_(-2.0, 2.0)
        info = {"seed": args.random_init, "step": 0, "steps": 0, "mean": DEFAULT_MEAN, "note": "random init"}
    else:
        ap.error("give --checkpoint or --random-init")
    mean = info.get("mean", DEFAULT_MEAN)
    if args.out:
        export_model(model, args.out, info)
        print(f"wrote {args.out}")
    if args.parity_dir:
        os.makedirs(args.parity_dir, exist_ok=True)
        ds = args.dataset if os.path.exists(os.path.join(args.dataset, "manifest.jsonl")) else ""
        for old in glob.glob(os.path.join(args.parity_dir, f"{args.parity_prefix}*.npz")):
            if os.path.abspath(old) == os.path.abspath(args.out or ""):
                continue  # the model just exported
            if args.parity_prefix or not os.path.basename(old).startswith("random_init_"):
                os.remove(old)
        wanted = tuple(args.parity_inputs.split(","))
        for name, x in parity_inputs(ds, mean, 12345):
            if not name.startswith(wanted):
                continue
            path = os.path.join(args.parity_dir, f"{args.parity_prefix}{name}.npz")
            g = golden(model, x)
            np.savez_compressed(path, **g)
            print(f"wrote {path}: input {x.shape}, {len(g['boxes'])} boxes")


if __name__ == "__main__":
    main()
