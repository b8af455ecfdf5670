// SPDX-License-Identifier: GPL-3.0-or-later
// CRC-32 (IEEE 802.3 / zlib: reflected polynomial 0xEDB88320, init and xorout 0xFFFFFFFF).
// Used for frame checks and for per-layer digests, so host and device must agree bit for bit.
#ifndef RNNPOOL_CRC32_H
#define RNNPOOL_CRC32_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RNNPOOL_CRC32_INIT 0xFFFFFFFFu

/* Incremental form: state = RNNPOOL_CRC32_INIT; state = update(state, ...)...; crc = final(state).
 */
uint32_t rnnpool_crc32_update(uint32_t state, const uint8_t *data, size_t length);
static inline uint32_t rnnpool_crc32_final(uint32_t state) {
  return state ^ 0xFFFFFFFFu;
}

/* One-shot CRC of a buffer: rnnpool_crc32("123456789", 9) == 0xCBF43926. */
uint32_t rnnpool_crc32(const uint8_t *data, size_t length);

#ifdef __cplusplus
}
#endif

#endif /* RNNPOOL_CRC32_H */
