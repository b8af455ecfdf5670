#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks of model.py against the spec, written the slow obvious way. Run: /usr/bin/python3 -m unittest
tools/training/test_model.py (not in CI: needs PyTorch)."""
import os
import sys
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import RPoolFaceM4, decode, flatten_heads, priors  # noqa: E402


def step(cell, x, h):
    W, U = cell.W.detach().numpy(), cell.U.detach().numpy()
    pre = x @ W + h @ U
    z = 1 / (1 + np.exp(-(pre + cell.bias_gate.detach().numpy()[0])))
    c = np.tanh(pre + cell.bias_update.detach().numpy()[0])
    zeta = 1 / (1 + np.exp(-cell.zeta.item()))
    nu = 1 / (1 + np.exp(-cell.nu.item()))
    return z * h + (zeta * (1 - z) + nu) * c


def run(cell, seq):
    h = np.zeros(cell.U.shape[0])
    for x in seq:
        h = step(cell, x, h)
    return h


def naive_patch(pool, patch):
    """patch [rows, cols, k] -> [4*h2], spec section 1 word for word."""
    c1, c2 = pool.cell_rnn.cell, pool.cell_bidirrnn.cell
    rows = [run(c1, patch[r]) for r in range(patch.shape[0])]
    cols = [run(c1, patch[:, c]) for c in range(patch.shape[1])]
    return np.concatenate([run(c2, rows), run(c2, rows[::-1]), run(c2, cols), run(c2, cols[::-1])])


class ModelTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(3)
        self.m = RPoolFaceM4().eval()
        with torch.no_grad():
            for cell in (self.m.rnn_model.cell_rnn.cell, self.m.rnn_model.cell_bidirrnn.cell):
                cell.zeta.fill_(0.7)
                cell.nu.fill_(-1.3)
                cell.bias_gate.uniform_(-1, 1)

    def test_rnnpool_map_matches_naive_patches(self):
        x = torch.randn(1, 4, 16, 20)
        out = self.m.rnnpool_map(x).detach().numpy()[0]  # [64, 4, 5] incl. replicate pad
        self.assertEqual(out.shape, (64, 4, 5))
        xn = x.numpy()[0].transpose(1, 2, 0)
        for i in range(3):
            for j in range(4):
                ref = naive_patch(self.m.rnn_model, xn[4 * i: 4 * i + 8, 4 * j: 4 * j + 8])
                np.testing.assert_allclose(out[:, i, j], ref, atol=1e-5)
        np.testing.assert_array_equal(out[:, 3, :4], out[:, 2, :4])  # bottom row replicated
        np.testing.assert_array_equal(out[:, :, 4], out[:, :, 3])  # right column replicated

    def test_head_shapes_at_320x240(self):
        outs = self.m(torch.zeros(1, 1, 240, 320))
        shapes = [tuple(o.shape[1:]) for o in outs]
        self.assertEqual(shapes, [(4, 30, 40), (4, 30, 40), (4, 30, 40), (2, 30, 40),
                                  (4, 15, 20), (2, 15, 20), (4, 15, 20), (2, 15, 20)])

    def test_maxout_and_prior_order(self):
        outs = self.m(torch.randn(1, 1, 240, 320))
        loc, conf = flatten_heads(outs)
        c0 = outs[1][0, :, 2, 5]  # head 0, row 2, col 5
        np.testing.assert_allclose(conf[0, 2 * 40 + 5].detach().numpy(),
                                   [c0[:3].max().item(), c0[3].item()], rtol=1e-6)
        p = priors(outs, 320, 240)
        np.testing.assert_allclose(p[2 * 40 + 5].numpy(), [5.5 * 8 / 320, 2.5 * 8 / 240, 8 / 320, 8 / 240], rtol=1e-6)
        self.assertEqual(p.shape[0], 2 * 1200 + 2 * 300)
        np.testing.assert_allclose(p[-1].numpy(), [19.5 * 16 / 320, 14.5 * 16 / 240, 48 / 320, 48 / 240], rtol=1e-6)
        b = decode(torch.tensor([[1.0, 0.0, 0.0, 1.0]]), torch.tensor([[0.5, 0.5, 0.1, 0.1]]))
        w = 0.1 * np.exp(0.2)
        np.testing.assert_allclose(b[0].numpy(), [0.51 - 0.05, 0.5 - w / 2, 0.51 + 0.05, 0.5 + w / 2], rtol=1e-6)

    def test_state_dict_aliases_share_storage(self):
        sd = self.m.state_dict()
        self.assertTrue(torch.equal(sd["rnn_model.cell_bidirrnn.unrollRNN.RNNCell_reverse.W"],
                                    sd["rnn_model.cell_bidirrnn.cell.W"]))
        self.assertEqual(tuple(sd["rnn_model.cell_rnn.cell.W"].shape), (4, 16))
        self.assertEqual(tuple(sd["mob.2.conv.1.0.weight"].shape), (64, 1, 3, 3))


if __name__ == "__main__":
    unittest.main()
