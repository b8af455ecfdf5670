# SPDX-License-Identifier: GPL-3.0-or-later
"""Re-estimates batch-norm statistics with the final weights before export.

During training the running mean/variance are moving averages over weights that keep changing, so
at lr ~1e-3 they lag far behind (checked on run 3 at step 300: the best face score on a training
frame was 0.32 with the running statistics and 0.98 with re-estimated ones). Exporting with
statistics measured on training crops under the exported weights removes that lag.
"""
import copy

import numpy as np
import torch


def recalibrate_bn(model, make_batch, n_batches=20):
    """Copy of `model` in eval mode whose BN statistics are the plain average over n_batches
    batches from make_batch() (each [B, 1, H, W]); the model itself is not touched."""
    calibrated = copy.deepcopy(model)
    for m in calibrated.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # cumulative average
    calibrated.train()
    with torch.no_grad():
        for _ in range(n_batches):
            calibrated(make_batch())
    return calibrated.eval()


def crop_batches(dataset, seed, batch=12, crop=(224, 168), mean=128.0, zoom=(0.7, 1.4), kind_weights=None):
    """make_batch for recalibrate_bn: training crops as in train.py (the run's kind weights, default
    train.KIND_WEIGHTS), from its own seeded stream."""
    from train import KIND_WEIGHTS, Sampler, augment, load_manifest

    rows, _ = load_manifest(dataset)
    rng = np.random.default_rng(seed)
    sampler = Sampler(dataset, rows, rng, kind_weights or KIND_WEIGHTS)

    def make_batch():
        xs = [torch.from_numpy(augment(rng, *sampler.draw(), crop[0], crop[1], mean, zoom)[0])[None]
              for _ in range(batch)]
        return torch.stack(xs)

    return make_batch
