// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/protocol/crc32.h"

/* A 16-entry nibble table: 64 bytes of flash instead of 1 KiB, still 2 lookups per byte. */
static const uint32_t kNibbleTable[16] = {0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu,
                                          0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
                                          0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
                                          0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};

uint32_t rnnpool_crc32_update(uint32_t state, const uint8_t *data, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    state ^= data[i];
    state = (state >> 4) ^ kNibbleTable[state & 0x0Fu];
    state = (state >> 4) ^ kNibbleTable[state & 0x0Fu];
  }
  return state;
}

uint32_t rnnpool_crc32(const uint8_t *data, size_t length) {
  return rnnpool_crc32_final(rnnpool_crc32_update(RNNPOOL_CRC32_INIT, data, length));
}
