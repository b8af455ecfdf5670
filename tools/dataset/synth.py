# SPDX-License-Identifier: GPL-3.0-or-later
"""Copy-paste synthesis: training face crops and distractor objects pasted onto background photos.

Faces are pasted with a feathered elliptical mask covering the head (so the detector sees a face in
a new context, not a rectangle of another photo), at sizes log-uniform in [16, 200] px, then the
whole frame gets photometric augmentation (contrast, brightness, gamma, blur, noise).
"""
import math

import cv2
import numpy as np

FACE_MIN, FACE_MAX = 16.0, 200.0
CROP_EXPAND = 1.8  # pasted region side / face box side


def load_stamp(path, max_side=256):
    """BGRA stamp (alpha = opaque where the PNG has no alpha), or None if unreadable."""
    im = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if im is None or im.ndim != 3:
        return None
    if im.shape[2] == 3:
        im = np.dstack([im, np.full(im.shape[:2], 255, np.uint8)])
    f = max_side / max(im.shape[:2])
    if f < 1:
        im = cv2.resize(im, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    return im


def _background(rng, backgrounds, w, h):
    im, src = backgrounds[rng.integers(len(backgrounds))]
    ih, iw = im.shape[:2]
    cw_max = min(iw, ih * w / h)
    cw = cw_max * rng.uniform(0.35, 1.0)
    ch = cw * h / w
    x0, y0 = rng.uniform(0, iw - cw), rng.uniform(0, ih - ch)
    crop = im[int(y0): int(y0 + ch), int(x0): int(x0 + cw)]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    return cv2.resize(np.ascontiguousarray(crop), (w, h), interpolation=cv2.INTER_AREA), src


def _alpha_paste(dst, patch, alpha, x, y):
    """Blends patch (h,w,3) with alpha (h,w) in [0,1] into dst at (x,y), clipped to dst."""
    H, W = dst.shape[:2]
    h, w = patch.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x1 <= x0 or y1 <= y0:
        return
    p = patch[y0 - y: y1 - y, x0 - x: x1 - x].astype(np.float32)
    a = alpha[y0 - y: y1 - y, x0 - x: x1 - x, None]
    d = dst[y0:y1, x0:x1].astype(np.float32)
    dst[y0:y1, x0:x1] = np.clip(a * p + (1 - a) * d, 0, 255).astype(np.uint8)


def _distractors(rng, img, stamps, animals, n):
    used = []
    for _ in range(n):
        if animals and rng.random() < 0.3:
            im, src = animals[rng.integers(len(animals))]
            stamp = np.dstack([im, np.full(im.shape[:2], 255, np.uint8)])
        elif stamps:
            stamp, src = stamps[rng.integers(len(stamps))]
        else:
            continue
        side = rng.uniform(20, 140)
        f = side / max(stamp.shape[:2])
        s = cv2.resize(stamp, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        if s.shape[0] < 2 or s.shape[1] < 2:
            continue
        x = int(rng.uniform(-s.shape[1] / 3, img.shape[1] - s.shape[1] * 2 / 3))
        y = int(rng.uniform(-s.shape[0] / 3, img.shape[0] - s.shape[0] * 2 / 3))
        _alpha_paste(img, s[:, :, :3], s[:, :, 3].astype(np.float32) / 255.0, x, y)
        used.append(src)
    return used


def _head_mask(side_px, face_side_px, rng):
    """Feathered ellipse over the head, in a side_px square patch centred on the face box."""
    m = np.zeros((side_px, side_px), np.float32)
    c = side_px / 2.0
    # Semi-axes about half a head wide and a bit taller (hair): a wider mask carried a halo of the
    # source room (franck's blue wall) with every face, a shortcut the detector could learn.
    ax = face_side_px * rng.uniform(0.48, 0.56)
    ay = face_side_px * rng.uniform(0.62, 0.72)
    cv2.ellipse(m, (int(round(c)), int(round(c - 0.08 * face_side_px))), (max(1, int(ax)), max(1, int(ay))),
                0, 0, 360, 1.0, -1)
    k = max(1.0, 0.05 * face_side_px)
    return cv2.GaussianBlur(m, (0, 0), k)


def _photometric(rng, img):
    f = img.astype(np.float32)
    f = (f - 128.0) * rng.uniform(0.6, 1.4) + 128.0 + rng.uniform(-40, 40)
    f = np.clip(f, 0, 255)
    f = 255.0 * (f / 255.0) ** rng.uniform(0.6, 1.6)
    if rng.random() < 0.3:
        f = cv2.GaussianBlur(f, (0, 0), rng.uniform(0.5, 1.5))
    if rng.random() < 0.4:
        f = f + rng.normal(0, rng.uniform(2, 10), f.shape)
    return np.clip(f, 0, 255).astype(np.uint8)


def _overlap_frac(a, b):
    """Fraction of box b covered by box a."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    return ix * iy / max(1e-6, (b[2] - b[0]) * (b[3] - b[1]))


def compose(rng, backgrounds, crops, stamps, animals, w, h):
    """One synthetic frame: background + distractors + 0..4 faces. Returns (bgr, boxes, sources)."""
    img, bsrc = _background(rng, backgrounds, w, h)
    used = [bsrc] + _distractors(rng, img, stamps, animals, int(rng.integers(0, 4)))
    n_faces = int(rng.choice([0, 1, 1, 1, 1, 2, 2, 3, 4]))
    boxes, regions = [], []
    for _ in range(n_faces):
        src_img, box, src = crops[rng.integers(len(crops))]
        for _try in range(20):
            side = math.exp(rng.uniform(math.log(FACE_MIN), math.log(FACE_MAX)))
            if side > h * 0.95:
                continue
            x1 = rng.uniform(0, w - side)
            y1 = rng.uniform(0, h - side)
            nb = [x1, y1, x1 + side, y1 + side]
            ps = side * CROP_EXPAND
            region = [x1 + side / 2 - ps / 2, y1 + side / 2 - ps / 2, x1 + side / 2 + ps / 2, y1 + side / 2 + ps / 2]
            # New head must not hide an earlier face, nor be hidden by it.
            if any(_overlap_frac(region, b) > 0.15 or _overlap_frac(r, nb) > 0.15 for b, r in zip(boxes, regions)):
                continue
            break
        else:
            continue
        bside = ((box[2] - box[0]) + (box[3] - box[1])) / 2
        f = side / bside
        bcx, bcy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        src_half = bside * CROP_EXPAND / 2
        sx0, sy0 = int(math.floor(bcx - src_half)), int(math.floor(bcy - src_half))
        sn = int(math.ceil(2 * src_half)) + 1
        ih, iw = src_img.shape[:2]
        padded = cv2.copyMakeBorder(src_img, max(0, -sy0), max(0, sy0 + sn - ih), max(0, -sx0),
                                    max(0, sx0 + sn - iw), cv2.BORDER_REFLECT_101)
        ox, oy = min(sx0, 0), min(sy0, 0)
        patch_src = padded[sy0 - oy: sy0 - oy + sn, sx0 - ox: sx0 - ox + sn]
        # Face box centre inside patch_src, to keep sub-pixel alignment after resizing.
        pcx, pcy = bcx - sx0, bcy - sy0
        pn = max(2, int(round(sn * f)))
        interp = cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR
        patch = cv2.resize(patch_src, (pn, pn), interpolation=interp)
        if rng.random() < 0.5:
            patch = patch[:, ::-1]
            pcx = sn - pcx
        patch = np.clip((patch.astype(np.float32) - 128) * rng.uniform(0.8, 1.2) + 128 + rng.uniform(-20, 20), 0, 255)
        # Place so that the face centre lands on the chosen box centre.
        px = int(round(x1 + side / 2 - pcx * f))
        py = int(round(y1 + side / 2 - pcy * f))
        mask = _head_mask(pn, side, rng)
        # Shift the ellipse to the face centre (pcx*f, pcy*f) inside the patch.
        M = np.float32([[1, 0, pcx * f - pn / 2], [0, 1, pcy * f - pn / 2]])
        mask = cv2.warpAffine(mask, M, (pn, pn))
        _alpha_paste(img, patch, mask, px, py)
        boxes.append(nb)
        regions.append(region)
        used.append(src)
    return _photometric(rng, img), boxes, used


def negative(rng, backgrounds, stamps, animals, w, h):
    """A face-free frame: background + distractors (objects, animal faces). Returns (bgr, sources)."""
    img, bsrc = _background(rng, backgrounds, w, h)
    used = [bsrc] + _distractors(rng, img, stamps, animals, int(rng.integers(0, 5)))
    return _photometric(rng, img), used
