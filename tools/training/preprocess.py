# SPDX-License-Identifier: GPL-3.0-or-later
"""Inference pre-processing shared by training, export and the golden parity data (spec section 2):
grayscale 0.299R+0.587G+0.114B, resize keeping aspect to an area of 320*240, subtract the mean."""
import math

import cv2
import numpy as np

DEFAULT_MEAN = 128.0
INPUT_W, INPUT_H = 320, 240


def to_gray(bgr):
    """Float grayscale with the spec's weights (no rounding to uint8)."""
    if bgr.ndim == 2:
        return bgr.astype(np.float32)
    b, g, r = (bgr[..., i].astype(np.float32) for i in range(3))
    return 0.299 * r + 0.587 * g + 0.114 * b


def target_size(w, h):
    """(width, height) with the aspect of (w, h) and an area of about 320*240 (exactly 320x240 for
    4:3); rounded half-to-even like OpenCV's cvRound, as the C++ core does."""
    s = math.sqrt(INPUT_W * INPUT_H / float(w * h))
    return max(16, int(round(w * s))), max(16, int(round(h * s)))


def preprocess(bgr, mean=DEFAULT_MEAN):
    """BGR/gray uint8 image -> ([H, W] float32 network input, x scale applied).

    Same order as core/detect/preprocess.cpp: bilinear resize of the 8-bit image first, then the
    grayscale mix in float, then the mean.
    """
    w, h = bgr.shape[1], bgr.shape[0]
    tw, th = target_size(w, h)
    s = math.sqrt(INPUT_W * INPUT_H / float(w * h))
    if (tw, th) == (int(round(w * s)), int(round(h * s))):
        # The reference's call: scale factors, not a target size. For non-4:3 images the two
        # sample the source at different positions (up to 65 grey levels apart).
        resized = cv2.resize(bgr, None, fx=s, fy=s, interpolation=cv2.INTER_LINEAR)
    else:
        resized = cv2.resize(bgr, (tw, th), interpolation=cv2.INTER_LINEAR)
    return (to_gray(resized) - mean).astype(np.float32), tw / bgr.shape[1]
