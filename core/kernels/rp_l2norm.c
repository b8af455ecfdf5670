// SPDX-License-Identifier: GPL-3.0-or-later
// L2Norm in integers: per pixel, s = isqrt(sum x^2 << 10) = 32 * ||x|| (x in input units; the
// input scale cancels), inv = 2^31 / s = 2^26 / ||x||, then x * inv = 2^26 * x / ||x|| is
// requantized per channel with scale[c] / s_out * 2^-26 folded into the multiplier. One division
// per pixel, none per element. The 1e-10 epsilon of the float op is below integer resolution.
#include "core/kernels/rp_dsp.h"
#include "core/kernels/rp_kernels.h"

#define RP_L2NORM_MAX_CHANNELS 128 /* sum x^2 << 10 must fit 32 bits: 128 * 128^2 * 2^10 = 2^31 */

int32_t rp_l2norm_s8_get_buffer_size(const rp_l2norm_t *p) {
  (void)p;
  return 0;
}

/* 2^31 / (32 ||x||) rounded, or 0 for the zero pixel. */
static int32_t l2_inverse(const int8_t *in, int32_t C) {
  const uint32_t sum_sq = (uint32_t)rp_sumsq_s8(in, C); /* SMLAD on the DSP path */
  if (sum_sq == 0) return 0;
  const uint32_t s = rp_isqrt32(sum_sq << 10); /* >= 32 */
  return (int32_t)((0x80000000u + s / 2) / s);
}

int32_t rp_l2norm_uniform_shift(const rp_l2norm_t *p) {
  if (!p || !p->shift || p->channels <= 0) return 0;
  const int32_t shift = p->shift[0];
  if (shift < RP_REQUANTIZE_HIGH_MIN_SHIFT || shift > RP_REQUANTIZE_HIGH_MAX_SHIFT) return 0;
  for (int32_t c = 1; c < p->channels; ++c)
    if (p->shift[c] != shift) return 0;
  return shift;
}

void rp_l2norm_px_uniform(const rp_l2norm_t *p, int32_t shift, const int8_t *RP_RESTRICT in,
                          int8_t *RP_RESTRICT out) {
  const int32_t C = p->channels, k = -2 - shift;
  const int32_t *mul = p->multiplier;
  const int32_t inv = l2_inverse(in, C);
  if (inv == 0) {
    memset(out, 0, (size_t)C);
    return;
  }
  for (int32_t c = 0; c < C; ++c)
    out[c] = (int8_t)rp_clamp_mode(rp_requantize_high_k((int32_t)in[c] * inv, mul[c], k), -128, 127,
                                   RP_CLAMP_S8);
}

rp_status rp_l2norm_s8(const rp_l2norm_t *p, const int8_t *RP_RESTRICT in,
                       int8_t *RP_RESTRICT out) {
  if (!p || !in || !out || !p->multiplier || !p->shift || p->pixels < 0 || p->channels <= 0 ||
      p->channels > RP_L2NORM_MAX_CHANNELS)
    return RP_ERR_ARG;
  const int32_t C = p->channels;
  const int32_t *mul = p->multiplier, *sh = p->shift;
  for (int32_t i = 0; i < p->pixels; ++i, in += C, out += C) {
    const int32_t inv = l2_inverse(in, C);
    if (inv == 0) {
      for (int32_t c = 0; c < C; ++c)
        out[c] = 0;
      continue;
    }
    for (int32_t c = 0; c < C; ++c)
      out[c] = (int8_t)rp_clamp_mode(rp_requantize_hi((int32_t)in[c] * inv, mul[c], sh[c]), -128,
                                     127, RP_CLAMP_S8); /* rp_sat8: one SSAT on the M4 */
  }
  return RP_OK;
}
