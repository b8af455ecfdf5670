// SPDX-License-Identifier: GPL-3.0-or-later
// The whole quantized RNNPool-Face-M4 as kernel parameter structs: what `rnnpool-cli quantize
// --emit-c` generates (const, in flash) for the firmware. Layer order and tensor types:
//   frame uint8 [H][W]      -> stem (conv 3x3/2 + ReLU6, RNNPool 8/4)  -> rnn_model int8
//   replicate pad (+1 row, +1 col)                                      -> rnn_pad int8
//   mob[0..3] (MBConv)                                                  -> int8 each
//   l2norm[k] on the outputs of mob[k], k = 0..2                        -> int8
//   loc[k], conf[k]: 3x3 heads on source k (l2norm[0..2], mob[3])       -> int16
#ifndef RP_FACE_MODEL_H
#define RP_FACE_MODEL_H

#include "core/kernels/rp_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RP_FACE_MBCONVS 4
#define RP_FACE_L2NORMS 3
#define RP_FACE_HEADS 4

typedef struct {
  rp_stem_t stem;
  int32_t pad_bottom, pad_right; /* replicate padding after the RNNPool */
  rp_mbconv_t mob[RP_FACE_MBCONVS];
  rp_l2norm_t l2norm[RP_FACE_L2NORMS];
  rp_conv_t loc[RP_FACE_HEADS];  /* int16 outputs */
  rp_conv_t conf[RP_FACE_HEADS]; /* int16 outputs */
  uint32_t digest;               /* CRC-32 over every quantized array and parameter */
} rp_face_model_t;

#ifdef __cplusplus
}
#endif
#endif /* RP_FACE_MODEL_H */
