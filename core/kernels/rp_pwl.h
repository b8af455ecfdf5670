// SPDX-License-Identifier: GPL-3.0-or-later
// Piecewise-linear sigmoid and tanh (Q12 in, Q15 out) as static inline functions, so the
// FastGRNN step can inline them (they run twice per hidden unit per step, ~3 M times a frame).
// rp_activation.c exports the same functions for everything else. Internal to core/kernels.
#ifndef RP_PWL_H
#define RP_PWL_H

#include <stdint.h>

/* sigmoid(k / 8), k = 0..64, Q15: knots every 0.125 over [0, 8]. */
static const int16_t kSigmoidKnots[65] = {
    16384, 17407, 18421, 19420, 20397, 21344, 22255, 23127, 23955, 24737, 25471, 26155, 26790,
    27377, 27917, 28411, 28862, 29272, 29644, 29979, 30282, 30555, 30799, 31018, 31214, 31389,
    31545, 31684, 31807, 31917, 32015, 32102, 32179, 32247, 32307, 32361, 32408, 32450, 32487,
    32520, 32549, 32574, 32597, 32617, 32635, 32650, 32664, 32676, 32687, 32696, 32705, 32712,
    32719, 32725, 32730, 32734, 32738, 32742, 32745, 32747, 32750, 32752, 32754, 32756, 32757,
};

/* tanh(k / 16), k = 0..128, Q15 (saturated to 32767): knots every 0.0625 over [0, 8]. */
static const int16_t kTanhKnots[129] = {
    0,     2045,  4075,  6073,  8025,  9919,  11743, 13486, 15143, 16706, 18173, 19542, 20813,
    21986, 23066, 24054, 24956, 25776, 26519, 27191, 27797, 28341, 28830, 29268, 29660, 30010,
    30322, 30600, 30847, 31067, 31262, 31435, 31589, 31726, 31846, 31953, 32048, 32132, 32206,
    32271, 32329, 32381, 32426, 32466, 32501, 32532, 32560, 32584, 32606, 32625, 32642, 32657,
    32670, 32681, 32691, 32700, 32708, 32715, 32721, 32727, 32732, 32736, 32740, 32743, 32746,
    32749, 32751, 32753, 32755, 32756, 32758, 32759, 32760, 32761, 32762, 32762, 32763, 32764,
    32764, 32765, 32765, 32765, 32766, 32766, 32766, 32766, 32767, 32767, 32767, 32767, 32767,
    32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767,
    32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767,
    32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767, 32767,
};

/* Interpolates a table with knots every 2^step_log2 Q12 units; ax >= 0. */
static inline int32_t rp_pwl_eval(const int16_t *knots, int32_t last, int32_t step_log2,
                                  int32_t ax) {
  const int32_t idx = ax >> step_log2;
  if (idx >= last) return knots[last];
  const int32_t frac = ax & ((1 << step_log2) - 1);
  const int32_t delta = (int32_t)knots[idx + 1] - (int32_t)knots[idx];
  return knots[idx] + ((delta * frac + (1 << (step_log2 - 1))) >> step_log2);
}

static inline int16_t rp_sigmoid_q12_inline(int16_t x) {
  const int32_t ax = x < 0 ? -(int32_t)x : (int32_t)x;
  const int32_t y = rp_pwl_eval(kSigmoidKnots, 64, 9, ax);
  return (int16_t)(x < 0 ? 32768 - y : y);
}

static inline int16_t rp_tanh_q12_inline(int16_t x) {
  const int32_t ax = x < 0 ? -(int32_t)x : (int32_t)x;
  const int32_t y = rp_pwl_eval(kTanhKnots, 128, 8, ax);
  return (int16_t)(x < 0 ? -y : y);
}

#endif /* RP_PWL_H */
