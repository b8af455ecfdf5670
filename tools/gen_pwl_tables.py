#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Prints the Q15 knot tables of core/kernels/rp_activation.c (sigmoid every 1/8, tanh every 1/16,
# both over [0, 8]), so the constants in the kernel can be checked and regenerated.
import math


def table(name, values):
    print(f"{name} ({len(values)} knots):")
    print(", ".join(str(v) for v in values))


table("sigmoid", [min(32767, round(32768 / (1 + math.exp(-k / 8)))) for k in range(65)])
table("tanh", [min(32767, round(32768 * math.tanh(k / 16))) for k in range(129)])
