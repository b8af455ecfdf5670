// SPDX-License-Identifier: GPL-3.0-or-later
// FastGRNN sweeps: `steps` steps of one cell from a zero state, the unit of work of RNNPool
// (a patch row, column or summary sequence). Same integers as rp_fastgrnn_step_unchecked in a
// loop; the face model's sizes (hidden 16, input 4 or 16) take a specialised path. Internal to
// core/kernels: no argument checks (callers validated the cell once).
#ifndef RP_FASTGRNN_SWEEP_H
#define RP_FASTGRNN_SWEEP_H

#include "core/kernels/rp_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A cell's per-unit constants gathered for the hidden-16 path (fewer base registers in the hot
 * loop, requantization shifts precomputed); fast = 0: the generic step runs instead. */
#define RP_FASTGRNN_FAST_HIDDEN 16
typedef struct {
  int32_t w_multiplier, w_round, w_shift; /* rp_requantize_block: m, 2^k, k + 1, k = -2 - shift */
} rp_fastgrnn_unit_t;
/* What the gate reads per unit, in this order (the Cortex-M step loads it with one LDM): the U.h
 * requantization as rp_requantize_block reads it (m, 2^k, k + 1 with k = -2 - u_shift). */
typedef struct {
  int32_t u_multiplier, u_round, u_shift;
  int32_t bias_gate, bias_update;
} rp_fastgrnn_gate_t;
/* Input-4 cells (RNNPool's RNN1) on the Cortex-M4 assembly: a unit's x.W row in the order SXTB16
 * extends the int8 input ({w0, w2}, {w1, w3}) and its requantization as rp_requantize_block
 * reads it, five words for one LDM. */
typedef struct {
  uint32_t w02, w13;
  int32_t multiplier, round, shift; /* m, 2^k, k + 1 */
} rp_fastgrnn_xw4_t;
typedef struct {
  const rp_fastgrnn_t *cell;
  int32_t fast;         /* sizes and shifts allow the specialised path */
  int32_t fast_x4;      /* input 4, int8 inputs: xw4 is filled (Cortex-M4 assembly) */
  int32_t coef_base;    /* zeta * 32768 + 2^14 */
  int32_t coef_base_nu; /* coef_base + nu * 32768: the gate's two constants in one */
  rp_fastgrnn_unit_t unit[RP_FASTGRNN_FAST_HIDDEN];
  rp_fastgrnn_gate_t gate[RP_FASTGRNN_FAST_HIDDEN];
  rp_fastgrnn_xw4_t xw4[RP_FASTGRNN_FAST_HIDDEN];
} rp_fastgrnn_prepared_t;

/* Fills `out` for `cell` (a validated cell; kept by pointer). */
void rp_fastgrnn_prepare(const rp_fastgrnn_t *cell, rp_fastgrnn_prepared_t *out);

/* Step t reads x + t * x_stride (input_size int16). h (hidden_size int16) receives the final
 * state; buffer holds hidden_size int16. */
void rp_fastgrnn_sweep_s16(const rp_fastgrnn_prepared_t *p, const int16_t *x, int32_t x_stride,
                           int32_t steps, int16_t *RP_RESTRICT h, void *RP_RESTRICT buffer);

/* The same over int8 inputs, step t reading x[t] (widened to int16 exactly; a pointer per step
 * because RNNPool's columns cross the wrap of a row ring); buffer holds hidden_size + input_size
 * int16. */
void rp_fastgrnn_sweep_s8(const rp_fastgrnn_prepared_t *p, const int8_t *const *x, int32_t steps,
                          int16_t *RP_RESTRICT h, void *RP_RESTRICT buffer);

/* rp_fastgrnn_sweep_s16 forwards into fwd and backwards (x[steps-1] first) into bwd; the
 * hidden-16 path computes each input's x.W once for both directions (up to
 * RP_FASTGRNN_BIDIR_MAX_STEPS steps: 16 int32 per step on the stack). */
#define RP_FASTGRNN_BIDIR_MAX_STEPS 8
void rp_fastgrnn_bidirectional_s16(const rp_fastgrnn_prepared_t *p, const int16_t *x,
                                   int32_t x_stride, int32_t steps, int16_t *RP_RESTRICT fwd,
                                   int16_t *RP_RESTRICT bwd, void *RP_RESTRICT buffer);

#ifdef __cplusplus
}
#endif

#endif /* RP_FASTGRNN_SWEEP_H */
