#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Quick PyTorch-side check of a checkpoint on the held-out split, to watch a training run.

    /usr/bin/python3 tools/training/quick_eval.py --checkpoint data/training/run1/checkpoint.pth

Reports, per kind (video / still / negative): recall at IoU >= 0.5 and false positives per image
at --threshold, and VOC all-point AP over the video frames. The project's reference numbers come
from `rnnpool-cli eval` (C++), not from this script.
"""
import argparse
import json
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export import golden  # noqa: E402
from model import RPoolFaceM4  # noqa: E402
from preprocess import preprocess  # noqa: E402


def iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def average_precision(dets, n_gt):
    """dets: [(score, is_tp)]. VOC all-point interpolation."""
    if not dets or n_gt == 0:
        return 0.0
    dets.sort(key=lambda d: -d[0])
    tp = np.cumsum([d[1] for d in dets])
    fp = np.cumsum([1 - d[1] for d in dets])
    rec, prec = tp / n_gt, tp / np.maximum(tp + fp, 1e-9)
    mrec = np.concatenate([[0], rec, [1]])
    mpre = np.concatenate([[0], prec, [0]])
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    idx = np.nonzero(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[idx + 1] - mrec[idx]) * mpre[idx + 1]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--dataset", default="data/dataset")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--every", type=int, default=1, help="use every Nth held-out image (speed)")
    ap.add_argument("--calibrate-batches", type=int, default=20, help="as in export.py (0: checkpoint's BN statistics)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    ck = torch.load(args.checkpoint, map_location="cpu")
    model = RPoolFaceM4()
    model.load_state_dict(ck["weight"])
    info = ck.get("info", {})
    mean = info.get("mean", 128.0)
    if args.calibrate_batches > 0:  # as export.py does, see bn_calibration.py
        from bn_calibration import crop_batches, recalibrate_bn

        crop = tuple(int(v) for v in info.get("crop", "224x168").split("x"))
        zoom = tuple(float(v) for v in info.get("zoom", "0.7,1.4").split(","))
        make_batch = crop_batches(args.dataset, info.get("seed", 1) * 1000003 + info.get("step", 0),
                                  info.get("batch", 12), crop, mean, zoom)
        model = recalibrate_bn(model, make_batch, args.calibrate_batches)
    rows = [json.loads(line) for line in open(os.path.join(args.dataset, "manifest.jsonl"))]
    rows = [r for r in rows if r["split"] == "eval"][:: args.every]
    res = {}
    ap_dets, ap_gt = [], 0
    for r in rows:
        x, s = preprocess(cv2.imread(os.path.join(args.dataset, r["path"])), mean)
        boxes = golden(model, x)["boxes"]
        boxes[:, :4] /= s
        gts = r["boxes"]
        st = res.setdefault(r["kind"], {"images": 0, "faces": 0, "found": 0, "fp": 0})
        st["images"] += 1
        st["faces"] += len(gts)
        used = set()
        for b in boxes:  # sorted by score
            best, bi = 0.0, -1
            for gi, g in enumerate(gts):
                v = iou(b, g)
                if v > best and gi not in used:
                    best, bi = v, gi
            tp = best >= 0.5
            if tp:
                used.add(bi)
            if r["kind"] == "video":
                ap_dets.append((float(b[4]), int(tp)))
            if b[4] > args.threshold:
                st["found"] += int(tp)
                st["fp"] += int(not tp)
        if r["kind"] == "video":
            ap_gt += len(gts)
    for k, st in sorted(res.items()):
        rec = st["found"] / st["faces"] if st["faces"] else float("nan")
        print(f"{k}: {st['images']} images, recall@0.5 {rec:.3f}, FP/image {st['fp'] / st['images']:.3f} "
              f"(threshold {args.threshold})")
    print(f"video AP (all-point) {average_precision(ap_dets, ap_gt):.3f}; step {ck.get('step')}")


if __name__ == "__main__":
    main()
