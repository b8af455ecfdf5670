// SPDX-License-Identifier: GPL-3.0-or-later
// int16 FastGRNN step (spec section 1) in fixed point:
//   pre = Q12(x.W) + Q12(h.U)            two int32 dot products, each requantized per hidden unit
//   z = sigmoid(pre + b_g), h~ = tanh(pre + b_h)      PWL on Q12 -> Q15
//   h' = z*h + (sigmoid(zeta)*(1-z) + sigmoid(nu))*h~    Q15 x Q11 -> Q11, rounded, saturated
#include "core/kernels/rp_dsp.h"
#include "core/kernels/rp_fastgrnn_sweep.h"
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

/* ---- sweeps (rp_fastgrnn_sweep.h) ---- */

#if defined(__GNUC__)
#define RP_ALWAYS_INLINE inline __attribute__((always_inline))
/* Fully unrolled unit loops: immediate offsets instead of pointer increments and loop tests. */
#define RP_UNROLL_UNITS _Pragma("GCC unroll 16")
#else
#define RP_ALWAYS_INLINE inline
#define RP_UNROLL_UNITS
#endif

#if RP_USE_SIMD32 && defined(__GNUC__) && defined(__thumb2__)
#define RP_HAVE_MATVEC16_ASM 1
/* 16x16 int16 matrix times vector: v stays in r0-r7 (8 pairs) and each row is two LDMs and eight
 * SMLADs, where the C loop reloads v for every row (~24 instructions a row, 10 here). The row
 * sums go to the stack (every register is in use). Same integer sums as dot_s16. */
#define RP_UNUSED __attribute__((unused))
/* The 16 rows of a 16x16 int16 matrix at lr (advanced past it) times the vector in r0-r7: row j's
 * sum at [sp + 4 j]. Clobbers r8-r12. */
#define RP_MATVEC16_ROWS_TO_STACK                                                                  \
  ".irp row, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"                                            \
  "ldm lr!, {r8-r11}\n\t"                                                                          \
  "smuad r12, r0, r8\n\t"                                                                          \
  "smlad r12, r1, r9, r12\n\t"                                                                     \
  "smlad r12, r2, r10, r12\n\t"                                                                    \
  "smlad r12, r3, r11, r12\n\t"                                                                    \
  "ldm lr!, {r8-r11}\n\t"                                                                          \
  "smlad r12, r4, r8, r12\n\t"                                                                     \
  "smlad r12, r5, r9, r12\n\t"                                                                     \
  "smlad r12, r6, r10, r12\n\t"                                                                    \
  "smlad r12, r7, r11, r12\n\t"                                                                    \
  "str r12, [sp, #4*\\row]\n\t"                                                                    \
  ".endr\n\t"
/* out[j] = rp_requantize_block(sum_k m[16 j + k] * v[k], units[j]): RNN2's requantized x.W of one
 * input. m, v and out must be 4-byte aligned (LDM/STM). */
typedef char rp_fastgrnn_unit_is_three_words[sizeof(rp_fastgrnn_unit_t) == 12 ? 1 : -1];
__attribute__((naked, noinline)) static void
matvec16_rq_s16(RP_UNUSED const int16_t *m, RP_UNUSED const int16_t *v, RP_UNUSED int32_t *out,
                RP_UNUSED const rp_fastgrnn_unit_t *units) {
  __asm__ volatile("push {r2, r3, r4-r11, lr}\n\t"
                   "sub sp, sp, #64\n\t"
                   "mov lr, r0\n\t"
                   "ldm r1, {r0-r7}\n\t" RP_MATVEC16_ROWS_TO_STACK "ldr lr, [sp, #64]\n\t"
                   "ldr r3, [sp, #68]\n\t"
                   ".irp j, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
                   "ldr r0, [sp, #4*\\j]\n\t"
                   "ldm r3!, {r4-r6}\n\t"
                   "smmla r0, r0, r4, r5\n\t"
                   "asr r0, r0, r6\n\t"
                   "str r0, [lr, #4*\\j]\n\t"
                   ".endr\n\t"
                   "add sp, sp, #64\n\t"
                   "pop {r2, r3, r4-r11, pc}\n\t");
}

/* One hidden-16 step from a non-zero state, step_h16's integers: U.h by RP_MATVEC16_ROWS_TO_STACK,
 * then per unit the U requantization (SMMLA + ASR, rp_requantize_block), the two table lookups
 * and the gate, with every constant in a register (20 instructions a unit; the C loop spilled to
 * ~30). */
/* The assembly reads rp_fastgrnn_gate_t and rp_fastgrnn_xw4_t as five consecutive words. */
typedef char rp_fastgrnn_gate_is_five_words[sizeof(rp_fastgrnn_gate_t) == 20 ? 1 : -1];
typedef char rp_fastgrnn_xw4_is_five_words[sizeof(rp_fastgrnn_xw4_t) == 20 ? 1 : -1];
typedef struct {
  const int16_t *u;               /* 0: 16x16 recurrent matrix, word aligned */
  const int16_t *h;               /* 4: state, word aligned */
  int16_t *next;                  /* 8: new state */
  const int32_t *wx;              /* 12: requantized x.W per unit (step16_s16) */
  const rp_fastgrnn_gate_t *gate; /* 16: per unit, 5 words */
  const int16_t *sigmoid0;        /* 20: rp_sigmoid_q12_lookup_zero */
  const int16_t *tanh0;           /* 24: rp_tanh_q12_lookup_zero */
  int32_t zeta;                   /* 28 */
  int32_t coef_base_nu;           /* 32: coef_base + nu * 2^15 (< 2^31, checked by prepare) */
  const int8_t *x8;               /* 36: the int8 input of an input-4 step (step16_x4_*) */
  const rp_fastgrnn_xw4_t *xw4;   /* 40: its rows and requantization */
} step16_args_t;

/* Frame: [sp] U.h sums, [sp + 64] requantized x.W, [sp + 128] the arguments. */
#define RP_STEP16_ENTER                                                                            \
  "push {r4-r11, lr}\n\t"                                                                          \
  "sub sp, sp, #132\n\t"                                                                           \
  "str r0, [sp, #128]\n\t"
#define RP_STEP16_LEAVE                                                                            \
  "add sp, sp, #132\n\t"                                                                           \
  "pop {r4-r11, pc}\n\t"
/* x.W given (wx): copied to the frame. */
#define RP_STEP16_WX_COPY                                                                          \
  "ldr r1, [r0, #12]\n\t"                                                                          \
  "ldm r1!, {r2-r9}\n\t"                                                                           \
  "add r10, sp, #64\n\t"                                                                           \
  "stm r10!, {r2-r9}\n\t"                                                                          \
  "ldm r1, {r2-r9}\n\t"                                                                            \
  "stm r10, {r2-r9}\n\t"
/* x.W of an int8 input-4 step: the 4 bytes extended by two SXTB16 ({x0, x2}, {x1, x3}), then
 * per unit one LDM of its rp_fastgrnn_xw4_t, SMUAD + SMLAD, SMMLA + ASR (rp_requantize_block):
 * 6 instructions a unit where the C took 10 and widened the input through memory. */
#define RP_STEP16_WX_X4                                                                            \
  "ldr r1, [r0, #36]\n\t"                                                                          \
  "ldr r3, [r0, #40]\n\t"                                                                          \
  "ldr r1, [r1]\n\t"                                                                               \
  "sxtb16 r2, r1\n\t"                                                                              \
  "sxtb16 r1, r1, ror #8\n\t"                                                                      \
  ".irp j, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"                                              \
  "ldm r3!, {r4-r8}\n\t"                                                                           \
  "smuad r4, r4, r2\n\t"                                                                           \
  "smlad r4, r5, r1, r4\n\t"                                                                       \
  "smmla r4, r4, r6, r7\n\t"                                                                       \
  "asr r4, r4, r8\n\t"                                                                             \
  "str r4, [sp, #64+4*\\j]\n\t"                                                                    \
  ".endr\n\t"
#define RP_STEP16_MATVEC                                                                           \
  "ldr r0, [sp, #128]\n\t"                                                                         \
  "ldr lr, [r0, #0]\n\t"                                                                           \
  "ldr r1, [r0, #4]\n\t"                                                                           \
  "ldm r1, {r0-r7}\n\t" RP_MATVEC16_ROWS_TO_STACK
/* r0 h, r1 next, r3 gate, r4 sigmoid0, r5 tanh0, r6 zeta, r7 coef_base_nu, r8 8 + 2^18: the
 * final rounding 2^14 rides in coef * h~ + 8 as 2^18 ((a + 2^18) >> 4 = (a >> 4) + 2^14; prepare
 * checks that coef * h~ + 8 + 2^18 stays below 2^31), which frees r2. */
#define RP_STEP16_GATE_SETUP                                                                       \
  "ldr lr, [sp, #128]\n\t"                                                                         \
  "add lr, lr, #4\n\t"                                                                             \
  "ldm lr, {r0-r7}\n\t"                                                                            \
  "movw r8, #8\n\t"                                                                                \
  "movt r8, #4\n\t"
#define RP_STEP16_GATES                                                                            \
  ".irp j, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"                                              \
  "ldm r3!, {r9-r12, lr}\n\t" /* u_multiplier, u_round, u_shift, bias_gate, bias_update */         \
  "ldr r2, [sp, #4*\\j]\n\t"                                                                       \
  "smmla r2, r2, r9, r10\n\t"                                                                      \
  "asr r2, r2, r11\n\t" /* rq(U.h), rp_requantize_block */                                         \
  "ldr r9, [sp, #64+4*\\j]\n\t"                                                                    \
  "add r2, r2, r9\n\t" /* pre = x.W + rq(U.h) */                                                   \
  "add r9, r2, r12\n\t"                                                                            \
  "ssat r9, #16, r9\n\t"                                                                           \
  "ldrsh r9, [r4, r9, lsl #1]\n\t" /* z */                                                         \
  "add r10, r2, lr\n\t"                                                                            \
  "ssat r10, #16, r10\n\t"                                                                         \
  "ldrsh r10, [r5, r10, lsl #1]\n\t" /* h~ */                                                      \
  "mls r11, r6, r9, r7\n\t"                                                                        \
  "asr r11, r11, #15\n\t"     /* coef */                                                           \
  "mla r12, r11, r10, r8\n\t" /* coef * h~ + 8 + 2^18 */                                           \
  "ldrsh r10, [r0, #2*\\j]\n\t"                                                                    \
  "mul r10, r9, r10\n\t" /* z * h */                                                               \
  "add r10, r10, r12, asr #4\n\t"                                                                  \
  "ssat r10, #16, r10, asr #15\n\t"                                                                \
  "strh r10, [r1, #2*\\j]\n\t"                                                                     \
  ".endr\n\t"
/* The zero start state: U.h = 0 (rp_requantize(0) = 0), so pre = x.W, and z * h = 0:
 * h' = ((coef * h~ + 8 + 2^18) >> 4) >> 15, one arithmetic shift by 19. */
#define RP_STEP16_GATES_ZERO                                                                       \
  ".irp j, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"                                              \
  "ldm r3!, {r9-r12, lr}\n\t"                                                                      \
  "ldr r2, [sp, #64+4*\\j]\n\t"                                                                    \
  "add r9, r2, r12\n\t"                                                                            \
  "ssat r9, #16, r9\n\t"                                                                           \
  "ldrsh r9, [r4, r9, lsl #1]\n\t"                                                                 \
  "add r10, r2, lr\n\t"                                                                            \
  "ssat r10, #16, r10\n\t"                                                                         \
  "ldrsh r10, [r5, r10, lsl #1]\n\t"                                                               \
  "mls r11, r6, r9, r7\n\t"                                                                        \
  "asr r11, r11, #15\n\t"                                                                          \
  "mla r12, r11, r10, r8\n\t"                                                                      \
  "ssat r10, #16, r12, asr #19\n\t"                                                                \
  "strh r10, [r1, #2*\\j]\n\t"                                                                     \
  ".endr\n\t"

__attribute__((naked, noinline)) static void step16_s16(RP_UNUSED const step16_args_t *a) {
  __asm__ volatile(RP_STEP16_ENTER RP_STEP16_WX_COPY RP_STEP16_MATVEC RP_STEP16_GATE_SETUP
                       RP_STEP16_GATES RP_STEP16_LEAVE);
}
/* The first step of a sweep over given x.W (zero state; a->h unused): RNN2's. */
__attribute__((naked, noinline)) static void step16_zero(RP_UNUSED const step16_args_t *a) {
  __asm__ volatile(
      RP_STEP16_ENTER RP_STEP16_WX_COPY RP_STEP16_GATE_SETUP RP_STEP16_GATES_ZERO RP_STEP16_LEAVE);
}
/* RNN1's steps: the int8 input's x.W in the step (a->x8, a->xw4; a->wx unused). */
__attribute__((naked, noinline)) static void step16_x4(RP_UNUSED const step16_args_t *a) {
  __asm__ volatile(RP_STEP16_ENTER RP_STEP16_WX_X4 RP_STEP16_MATVEC RP_STEP16_GATE_SETUP
                       RP_STEP16_GATES RP_STEP16_LEAVE);
}
/* The first step of an RNN1 sweep (zero state; a->h unused). */
__attribute__((naked, noinline)) static void step16_x4_zero(RP_UNUSED const step16_args_t *a) {
  __asm__ volatile(
      RP_STEP16_ENTER RP_STEP16_WX_X4 RP_STEP16_GATE_SETUP RP_STEP16_GATES_ZERO RP_STEP16_LEAVE);
}

/* The argument block of a cell's assembly steps; h, next and the input are set per step. */
static RP_ALWAYS_INLINE step16_args_t step16_args(const rp_fastgrnn_prepared_t *p) {
  const step16_args_t a = {p->cell->u,
                           0,
                           0,
                           0,
                           p->gate,
                           rp_sigmoid_q12_lookup_zero,
                           rp_tanh_q12_lookup_zero,
                           p->cell->zeta,
                           p->coef_base_nu,
                           0,
                           0};
  return a;
}

typedef void (*step16_fn)(const step16_args_t *a);
/* A sweep of `steps` assembly steps from the zero state, ping-ponging between other and h (no
 * copy per step), the final state left in h: first() for step 0, step() after. Step t reads
 * x8[t] (RNN1's int8 inputs) or, when x8 is null, the requantized x.W at wx + t * wx_step. */
static RP_ALWAYS_INLINE void asm_sweep(step16_args_t *a, step16_fn first, step16_fn step,
                                       const int8_t *const *x8, const int32_t *wx, int32_t wx_step,
                                       int32_t steps, int16_t *h, int16_t *other) {
  int16_t *cur = h, *nxt = other;
  a->next = nxt;
  if (x8)
    a->x8 = x8[0];
  else
    a->wx = wx;
  first(a);
  for (int32_t t = 1; t < steps; ++t) {
    a->h = nxt;
    a->next = cur;
    if (x8)
      a->x8 = x8[t];
    else
      a->wx = wx + t * wx_step;
    step(a);
    int16_t *const tmp = cur;
    cur = nxt;
    nxt = tmp;
  }
  if (nxt != h) memcpy(h, nxt, RP_FASTGRNN_FAST_HIDDEN * sizeof(int16_t));
}
#else
#define RP_HAVE_MATVEC16_ASM 0
#endif

static int aligned4(const void *p) {
  return ((uintptr_t)p & 3u) == 0;
}
/* The assembly reads the state (and in the bidirectional sweep the inputs) with LDM: the fast
 * path needs them word aligned (the arena's buffers are), else the generic step runs. */
static int data_aligned(const void *a, const void *b) {
  return !RP_HAVE_MATVEC16_ASM || (aligned4(a) && aligned4(b));
}

static int shift_fits(int32_t shift) {
  return shift >= RP_REQUANTIZE_HIGH_MIN_SHIFT && shift <= RP_REQUANTIZE_HIGH_MAX_SHIFT;
}

void rp_fastgrnn_prepare(const rp_fastgrnn_t *cell, rp_fastgrnn_prepared_t *out) {
  out->cell = cell;
  /* The quantizer's FastGRNN scales are far below 1/4, so trained models take the fast path. */
  out->fast = cell->hidden_size == RP_FASTGRNN_FAST_HIDDEN &&
              (cell->input_size == 4 || cell->input_size == 16);
  /* sigmoid(zeta) * (1 - z) rounded, as zeta * 32768 + 2^14 - zeta * z: one MLS per unit. */
  out->coef_base = (int32_t)cell->zeta * 32768 + (1 << 14);
  for (int32_t j = 0; out->fast && j < RP_FASTGRNN_FAST_HIDDEN; ++j) {
    if (!shift_fits(cell->w_shift[j]) || !shift_fits(cell->u_shift[j])) out->fast = 0;
    if (RP_HAVE_MATVEC16_ASM && !(aligned4(cell->w) && aligned4(cell->u))) out->fast = 0;
    rp_fastgrnn_unit_t *q = &out->unit[j];
    q->w_multiplier = cell->w_multiplier[j];
    const int32_t w_k = -2 - cell->w_shift[j];
    if (w_k > 30) out->fast = 0; /* 2^k must be an int32 */
    q->w_round = (int32_t)1 << (w_k < 0 || w_k > 30 ? 0 : w_k);
    q->w_shift = w_k + 1;
    rp_fastgrnn_gate_t *g = &out->gate[j];
    const int32_t u_k = -2 - cell->u_shift[j];
    if (u_k > 30) out->fast = 0; /* 2^k must be an int32 */
    g->u_multiplier = cell->u_multiplier[j];
    g->u_round = (int32_t)1 << (u_k < 0 || u_k > 30 ? 0 : u_k);
    g->u_shift = u_k + 1;
    g->bias_gate = cell->bias_gate[j];
    g->bias_update = cell->bias_update[j];
  }
  /* RNN1's assembly step: k = -2 - shift <= 30 so 2^k is an int32 (rp_requant_blocks' rule). */
  out->fast_x4 = RP_HAVE_MATVEC16_ASM && out->fast && cell->input_size == 4;
  for (int32_t j = 0; out->fast_x4 && j < RP_FASTGRNN_FAST_HIDDEN; ++j) {
    const int16_t *w = cell->w + 4 * j;
    const int32_t k = -2 - cell->w_shift[j];
    if (k > 30) out->fast_x4 = 0;
    rp_fastgrnn_xw4_t *x = &out->xw4[j];
    x->w02 = (uint16_t)w[0] | ((uint32_t)(uint16_t)w[2] << 16);
    x->w13 = (uint16_t)w[1] | ((uint32_t)(uint16_t)w[3] << 16);
    x->multiplier = cell->w_multiplier[j];
    x->round = (int32_t)1 << (k < 0 || k > 30 ? 0 : k);
    x->shift = k + 1;
  }
  /* sigmoid(zeta) and sigmoid(nu) are Q15 in [0, 32767], so this is below 2^31. */
  const int64_t coef_base_nu = (int64_t)out->coef_base + (int64_t)cell->nu * 32768;
  if (coef_base_nu > INT32_MAX || cell->zeta < 0 || cell->nu < 0) out->fast = 0;
  /* The assembly gate adds 8 + 2^18 to coef * h~ (|h~| <= 2^15, 0 <= coef <= zeta + nu): no
   * int32 overflow. */
  if (((int64_t)cell->zeta + cell->nu + 1) * 32768 + 8 + (1 << 18) > INT32_MAX) out->fast = 0;
  out->coef_base_nu = (int32_t)coef_base_nu;
}

/* One step of a hidden-16 cell: h -> next, rp_fastgrnn_step_unchecked's arithmetic with
 * rp_requantize_high_k for rp_requantize and table lookups for the PWL activations (all equal).
 * zero_h: h is the zero start state, so U.h = 0 and z * h = 0 (rp_requantize(0) = 0). */
static RP_ALWAYS_INLINE void step_h16(const rp_fastgrnn_prepared_t *p, const int16_t *RP_RESTRICT x,
                                      const int32_t n_in, const int16_t *RP_RESTRICT h,
                                      int16_t *RP_RESTRICT next, const int zero_h,
                                      const int32_t *RP_RESTRICT wx, const int use_wx) {
  /* Two passes over the units (pre-activations, then gates): each loop's live values fit the
   * registers, where one loop spilled a dozen per unit. use_wx: the requantized x.W of this
   * input were computed before (wx, one per unit), as the bidirectional sweep shares them. */
  int32_t pre[RP_FASTGRNN_FAST_HIDDEN];
  const int16_t *w = p->cell->w, *u = p->cell->u;
  const rp_fastgrnn_unit_t *q = p->unit;
#if RP_HAVE_MATVEC16_ASM
  (void)u;
  if (!use_wx) {
    RP_UNROLL_UNITS
    for (int32_t j = 0; j < RP_FASTGRNN_FAST_HIDDEN; ++j, ++q, w += n_in)
      pre[j] = rp_requantize_block(dot_s16(w, x, n_in), &q->w_multiplier);
    wx = pre;
  }
  step16_args_t a = step16_args(p);
  a.h = h;
  a.next = next;
  a.wx = wx;
  if (zero_h)
    step16_zero(&a);
  else
    step16_s16(&a);
  return;
#else
  RP_UNROLL_UNITS
  for (int32_t j = 0; j < RP_FASTGRNN_FAST_HIDDEN; ++j, ++q, w += n_in, u += 16) {
    pre[j] = use_wx ? wx[j] : rp_requantize_block(dot_s16(w, x, n_in), &q->w_multiplier);
    if (!zero_h) pre[j] += rp_requantize_block(dot_s16(u, h, 16), &p->gate[j].u_multiplier);
  }
#endif
  const int32_t zeta = p->cell->zeta, nu = p->cell->nu, coef_base = p->coef_base;
  const rp_fastgrnn_gate_t *g = p->gate;
  RP_UNROLL_UNITS
  for (int32_t j = 0; j < RP_FASTGRNN_FAST_HIDDEN; ++j, ++g) {
    const int32_t z = rp_sigmoid_q12_lookup(rp_ssat16(pre[j] + g->bias_gate));
    const int32_t h_tilde = rp_tanh_q12_lookup(rp_ssat16(pre[j] + g->bias_update));
    /* The generic step's gate with its constants regrouped (same integers):
     * zeta * (32768 - z) + 2^14 = coef_base - zeta * z (one MLS), and the final rounding
     * constant 2^14 added to z * h (one MLA). */
    const int32_t coef = ((coef_base - zeta * z) >> 15) + nu;
    const int32_t update = ((coef * h_tilde) + 8) >> 4; /* coef * h~ < 2^31 */
    const int32_t keep = zero_h ? (1 << 14) : z * h[j] + (1 << 14);
    next[j] = (int16_t)rp_ssat16((keep + update) >> 15);
  }
}

/* Input of step t: int16 at x + t * x_stride, or int8 at ((int8_t **)x)[t] widened into `wide`
 * (exact). */
static RP_ALWAYS_INLINE const int16_t *step_input(const void *x, int32_t x_stride, int32_t t,
                                                  const int32_t n_in, const int s8, int16_t *wide) {
  if (!s8) return (const int16_t *)x + t * x_stride;
  const int8_t *xt = ((const int8_t *const *)x)[t];
  for (int32_t k = 0; k < n_in; ++k)
    wide[k] = xt[k];
  return wide;
}

/* Steps 0..steps-1 ping-ponging between h and other (no copy per step). */
static RP_ALWAYS_INLINE void sweep_h16(const rp_fastgrnn_prepared_t *p, const void *x,
                                       int32_t x_stride, int32_t steps, const int32_t n_in,
                                       const int s8, int16_t *h, int16_t *other, int16_t *wide) {
  int16_t *cur = h, *nxt = other;
#if RP_HAVE_MATVEC16_ASM
  if (s8 && n_in == 4 && p->fast_x4) {
    step16_args_t a = step16_args(p);
    a.xw4 = p->xw4;
    asm_sweep(&a, step16_x4_zero, step16_x4, (const int8_t *const *)x, 0, 0, steps, h, other);
    return;
  }
#endif
  step_h16(p, step_input(x, x_stride, 0, n_in, s8, wide), n_in, cur, nxt, 1, 0, 0);
  for (int32_t t = 1; t < steps; ++t) {
    int16_t *const tmp = cur;
    cur = nxt;
    nxt = tmp;
    step_h16(p, step_input(x, x_stride, t, n_in, s8, wide), n_in, cur, nxt, 0, 0, 0);
  }
  if (nxt != h) memcpy(h, nxt, RP_FASTGRNN_FAST_HIDDEN * sizeof(int16_t));
}

void rp_fastgrnn_sweep_s16(const rp_fastgrnn_prepared_t *p, const int16_t *x, int32_t x_stride,
                           int32_t steps, int16_t *RP_RESTRICT h, void *RP_RESTRICT buffer) {
  const rp_fastgrnn_t *cell = p->cell;
  memset(h, 0, (size_t)cell->hidden_size * sizeof(int16_t));
  if (steps <= 0) return;
  const int fast = p->fast && data_aligned(h, buffer);
  if (fast && cell->input_size == 4)
    sweep_h16(p, x, x_stride, steps, 4, 0, h, (int16_t *)buffer, 0);
  else if (fast)
    sweep_h16(p, x, x_stride, steps, 16, 0, h, (int16_t *)buffer, 0);
  else
    for (int32_t t = 0; t < steps; ++t)
      rp_fastgrnn_step_unchecked(cell, x + t * x_stride, h, buffer);
}

void rp_fastgrnn_sweep_s8(const rp_fastgrnn_prepared_t *p, const int8_t *const *x, int32_t steps,
                          int16_t *RP_RESTRICT h, void *RP_RESTRICT buffer) {
  const rp_fastgrnn_t *cell = p->cell;
  const int32_t n_in = cell->input_size, n_h = cell->hidden_size;
  int16_t *other = (int16_t *)buffer, *wide = other + n_h;
  memset(h, 0, (size_t)n_h * sizeof(int16_t));
  if (steps <= 0) return;
  const int fast = p->fast && data_aligned(h, buffer);
  if (fast && n_in == 4)
    sweep_h16(p, x, 0, steps, 4, 1, h, other, wide);
  else if (fast)
    sweep_h16(p, x, 0, steps, 16, 1, h, other, wide);
  else
    for (int32_t t = 0; t < steps; ++t)
      rp_fastgrnn_step_unchecked(cell, step_input(x, 0, t, n_in, 1, wide), h, other);
}

/* Forward and backward over the same inputs from the requantized x.W of each input, computed
 * once (steps * 16 int32 on the stack). */
static void bidirectional_h16(const rp_fastgrnn_prepared_t *p, const int16_t *x, int32_t x_stride,
                              int32_t steps, int16_t *fwd, int16_t *bwd, int16_t *other) {
  int32_t wx[RP_FASTGRNN_BIDIR_MAX_STEPS][RP_FASTGRNN_FAST_HIDDEN];
  for (int32_t t = 0; t < steps; ++t) {
    const int16_t *xt = x + t * x_stride, *w = p->cell->w;
    const rp_fastgrnn_unit_t *q = p->unit;
#if RP_HAVE_MATVEC16_ASM
    (void)q;
    matvec16_rq_s16(w, xt, wx[t], p->unit);
#else
    for (int32_t j = 0; j < RP_FASTGRNN_FAST_HIDDEN; ++j, ++q, w += 16)
      wx[t][j] = rp_requantize_block(dot_s16(w, xt, 16), &q->w_multiplier);
#endif
  }
  const int32_t last = steps - 1;
#if RP_HAVE_MATVEC16_ASM
  step16_args_t a = step16_args(p);
  asm_sweep(&a, step16_zero, step16_s16, 0, wx[0], RP_FASTGRNN_FAST_HIDDEN, steps, fwd, other);
  asm_sweep(&a, step16_zero, step16_s16, 0, wx[last], -RP_FASTGRNN_FAST_HIDDEN, steps, bwd, other);
  return;
#endif
  for (int32_t dir = 0; dir < 2; ++dir) {
    int16_t *const h = dir ? bwd : fwd, *cur = h, *nxt = other;
    step_h16(p, 0, 16, cur, nxt, 1, wx[dir ? last : 0], 1);
    for (int32_t t = 1; t < steps; ++t) {
      int16_t *const tmp = cur;
      cur = nxt;
      nxt = tmp;
      step_h16(p, 0, 16, cur, nxt, 0, wx[dir ? last - t : t], 1);
    }
    if (nxt != h) memcpy(h, nxt, RP_FASTGRNN_FAST_HIDDEN * sizeof(int16_t));
  }
}

void rp_fastgrnn_bidirectional_s16(const rp_fastgrnn_prepared_t *p, const int16_t *x,
                                   int32_t x_stride, int32_t steps, int16_t *RP_RESTRICT fwd,
                                   int16_t *RP_RESTRICT bwd, void *RP_RESTRICT buffer) {
  const rp_fastgrnn_t *cell = p->cell;
  if (steps <= 0) {
    memset(fwd, 0, (size_t)cell->hidden_size * sizeof(int16_t));
    memset(bwd, 0, (size_t)cell->hidden_size * sizeof(int16_t));
    return;
  }
  if (p->fast && cell->input_size == 16 && steps <= RP_FASTGRNN_BIDIR_MAX_STEPS &&
      data_aligned(fwd, buffer) && data_aligned(bwd, x) && (x_stride & 1) == 0) {
    bidirectional_h16(p, x, x_stride, steps, fwd, bwd, (int16_t *)buffer);
    return;
  }
  rp_fastgrnn_sweep_s16(p, x, x_stride, steps, fwd, buffer);
  rp_fastgrnn_sweep_s16(p, x + (steps - 1) * x_stride, -x_stride, steps, bwd, buffer);
}
