# SPDX-License-Identifier: GPL-3.0-or-later
"""Face labelling teachers: BlazeFace front 128x128 (ONNX via OpenCV DNN) cross-checked by Haar alt2.

Box convention of the labels ("haar-square"): BlazeFace locates the face (it is the more precise of
the two), then its box is mapped to the size and centre of the Haar frontalface_alt2 box, which is
the classic square "face box" (forehead to chin). The mapping constants are measured on training
frames (franck.mp4) by build_dataset.py and recorded in the dataset summary.
"""
import cv2
import numpy as np

HAAR_PATH = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml"



def _anchors():
    """Centres in [0,1] of the 896 anchors, in the model's output order (cell-major, anchor-minor)."""
    out = []
    for cells, per_cell in ((16, 2), (8, 6)):
        ys, xs = np.mgrid[0:cells, 0:cells]
        c = np.stack([(xs + 0.5) / cells, (ys + 0.5) / cells], -1).reshape(-1, 1, 2)
        out.append(np.repeat(c, per_cell, axis=1).reshape(-1, 2))
    return out


def iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    ua = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / ua if ua > 0 else 0.0


def nms(boxes, scores, thr):
    order = np.argsort(-np.asarray(scores))
    keep = []
    for i in order:
        if all(iou(boxes[i], boxes[j]) <= thr for j in keep):
            keep.append(i)
    return keep


class BlazeFace:
    """MediaPipe BlazeFace front model. Input NHWC 1x128x128x3 RGB in [-1,1].

    Outputs (checked by inspection): Identity [1,512,1] scores of the 16x16x2 anchors,
    Identity_1 [1,384,1] scores of the 8x8x6 anchors, Identity_2 [1,512,16] and Identity_3 [1,384,16]
    regressors: (dx, dy, w, h, 6 keypoints) in 128-px units, centre relative to the anchor centre.
    """

    def __init__(self, onnx_path):
        self.net = cv2.dnn.readNetFromONNX(onnx_path)
        self.anchors = _anchors()

    def detect(self, bgr, score_thr=0.6):
        """Returns [(x1,y1,x2,y2,score)] in image pixels. The image is letterboxed to a square."""
        h, w = bgr.shape[:2]
        side = max(h, w)
        pad = np.zeros((side, side, 3), np.uint8)
        oy, ox = (side - h) // 2, (side - w) // 2
        pad[oy:oy + h, ox:ox + w] = bgr
        rgb = cv2.cvtColor(cv2.resize(pad, (128, 128), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)
        x = (rgb.astype(np.float32) / 127.5 - 1.0)[None]
        self.net.setInput(x)
        s16, s8, r16, r8 = self.net.forward(["Identity:0", "Identity_1:0", "Identity_2:0", "Identity_3:0"])
        boxes, scores = [], []
        for s, r, anc in ((s16, r16, self.anchors[0]), (s8, r8, self.anchors[1])):
            s = 1.0 / (1.0 + np.exp(-np.clip(s.reshape(-1), -50, 50)))
            r = r.reshape(-1, 16)
            for i in np.nonzero(s > score_thr)[0]:
                cx = anc[i, 0] + r[i, 0] / 128.0
                cy = anc[i, 1] + r[i, 1] / 128.0
                bw, bh = r[i, 2] / 128.0, r[i, 3] / 128.0
                b = np.array([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2]) * side
                boxes.append(b - [ox, oy, ox, oy])
                scores.append(float(s[i]))
        keep = nms(boxes, scores, 0.3)
        return [(*boxes[i].tolist(), scores[i]) for i in keep]


class Haar:
    def __init__(self, path=HAAR_PATH):
        self.cascade = cv2.CascadeClassifier(path)
        if self.cascade.empty():
            raise RuntimeError(f"cannot load Haar cascade {path} (install Debian opencv-data)")

    def detect(self, bgr, min_size=20):
        gray = cv2.equalizeHist(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY))
        found = self.cascade.detectMultiScale(gray, 1.1, 4, minSize=(min_size, min_size))
        return [(float(x), float(y), float(x + w), float(y + h)) for x, y, w, h in found]


def blaze_to_label(b, scale, dy):
    """Maps a BlazeFace box to the label convention (square, Haar-sized).

    side = scale * mean(BlazeFace w, h); centre y moves by dy * BlazeFace side (negative = up).
    """
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    bside = ((b[2] - b[0]) + (b[3] - b[1])) / 2
    side = scale * bside
    cy += dy * bside
    return [cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2]
