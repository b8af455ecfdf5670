// SPDX-License-Identifier: GPL-3.0-or-later
// Integer square root and CRC-32 for the kernels (no libc beyond string.h).
#include "core/kernels/rp_kernels.h"

uint32_t rp_isqrt32(uint32_t v) {
  /* Bit-by-bit method: exact floor(sqrt(v)) in 16 iterations, no division. */
  uint32_t result = 0, bit = 1u << 30;
  while (bit > v)
    bit >>= 2;
  while (bit != 0) {
    if (v >= result + bit) {
      v -= result + bit;
      result = (result >> 1) + bit;
    } else {
      result >>= 1;
    }
    bit >>= 2;
  }
  return result;
}

uint32_t rp_crc32(uint32_t crc, const void *data, size_t len) {
  /* Bitwise (no 1 KiB table in flash); digests are computed once per layer, not per element. */
  const uint8_t *p = (const uint8_t *)data;
  crc = ~crc;
  while (len--) {
    crc ^= *p++;
    for (int k = 0; k < 8; ++k)
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}
