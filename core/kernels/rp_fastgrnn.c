// SPDX-License-Identifier: GPL-3.0-or-later
// int16 FastGRNN step (spec section 1) in fixed point:
//   pre = Q12(x.W) + Q12(h.U)            two int32 dot products, each requantized per hidden unit
//   z = sigmoid(pre + b_g), h~ = tanh(pre + b_h)      PWL on Q12 -> Q15
//   h' = z*h + (sigmoid(zeta)*(1-z) + sigmoid(nu))*h~    Q15 x Q11 -> Q11, rounded, saturated
#include "core/kernels/rp_dsp.h"
#include "core/kernels/rp_kernels.h"
#include "core/kernels/rp_pwl.h"

int32_t rp_fastgrnn_get_buffer_size(const rp_fastgrnn_t *cell) {
  return cell ? cell->hidden_size * (int32_t)sizeof(int16_t) : 0;
}

/* x.w over n int16 pairs; the FastGRNN sizes of the face model (4 and 16) written out, so the
 * DSP path is straight SMLADs with no loop. Same integer sum on every path. */
static inline int32_t dot_s16(const int16_t *a, const int16_t *b, int32_t n) {
#if RP_USE_SIMD32
  if (n == 4)
    return (int32_t)__smlad(rp_read_u32(a + 2), rp_read_u32(b + 2),
                            __smuad(rp_read_u32(a), rp_read_u32(b)));
  if (n == 16) {
    uint32_t acc = __smuad(rp_read_u32(a), rp_read_u32(b));
    acc = __smlad(rp_read_u32(a + 2), rp_read_u32(b + 2), acc);
    acc = __smlad(rp_read_u32(a + 4), rp_read_u32(b + 4), acc);
    acc = __smlad(rp_read_u32(a + 6), rp_read_u32(b + 6), acc);
    acc = __smlad(rp_read_u32(a + 8), rp_read_u32(b + 8), acc);
    acc = __smlad(rp_read_u32(a + 10), rp_read_u32(b + 10), acc);
    acc = __smlad(rp_read_u32(a + 12), rp_read_u32(b + 12), acc);
    acc = __smlad(rp_read_u32(a + 14), rp_read_u32(b + 14), acc);
    return (int32_t)acc;
  }
#endif
  return rp_dot_s16(a, b, n, 0);
}

void rp_fastgrnn_step_unchecked(const rp_fastgrnn_t *cell, const int16_t *RP_RESTRICT x,
                                int16_t *RP_RESTRICT h, void *RP_RESTRICT buffer) {
  const int32_t n_in = cell->input_size, n_h = cell->hidden_size;
  int16_t *next = (int16_t *)buffer; /* U.h reads the old state of every unit */
  const int16_t *w = cell->w, *u = cell->u;
  const int32_t zeta = cell->zeta, nu = cell->nu;
  for (int32_t j = 0; j < n_h; ++j, w += n_in, u += n_h) {
    const int32_t acc_w = dot_s16(w, x, n_in);
    const int32_t acc_u = dot_s16(u, h, n_h);
    const int32_t pre = rp_requantize(acc_w, cell->w_multiplier[j], cell->w_shift[j]) +
                        rp_requantize(acc_u, cell->u_multiplier[j], cell->u_shift[j]);
    const int32_t z = rp_sigmoid_q12_inline((int16_t)rp_ssat16(pre + cell->bias_gate[j]));
    const int32_t h_tilde = rp_tanh_q12_inline((int16_t)rp_ssat16(pre + cell->bias_update[j]));
    /* coef in Q15, up to 2.0 (65534): sigmoid(zeta) * (1 - z) + sigmoid(nu). */
    const int32_t coef = ((zeta * (32768 - z) + (1 << 14)) >> 15) + nu;
    const int32_t keep = z * h[j];                      /* Q26, |.| <= 2^30 */
    const int32_t update = ((coef * h_tilde) + 8) >> 4; /* Q30 -> Q26; coef*h~ < 2^31 */
    next[j] = (int16_t)rp_ssat16((keep + update + (1 << 14)) >> 15);
  }
  if (n_h == 16)
    memcpy(h, next, 16 * sizeof(int16_t)); /* constant size: inlined */
  else
    memcpy(h, next, (size_t)n_h * sizeof(int16_t));
}

rp_status rp_fastgrnn_step(const rp_fastgrnn_t *cell, const int16_t *RP_RESTRICT x,
                           int16_t *RP_RESTRICT h, void *RP_RESTRICT buffer) {
  if (!cell || !x || !h || !buffer || !cell->w || !cell->u || !cell->w_multiplier ||
      !cell->w_shift || !cell->u_multiplier || !cell->u_shift || !cell->bias_gate ||
      !cell->bias_update || cell->input_size <= 0 || cell->hidden_size <= 0 ||
      cell->hidden_size > RP_RNN_MAX_HIDDEN)
    return RP_ERR_ARG;
  rp_fastgrnn_step_unchecked(cell, x, h, buffer);
  return RP_OK;
}
