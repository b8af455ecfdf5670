// SPDX-License-Identifier: GPL-3.0-or-later
// The cheaper arithmetic the Cortex-M4 paths use must give the integers of the reference forms:
// requantization through the high product word vs rp_requantize, Newton isqrt vs the bit-by-bit
// one, the table CRC-32 vs the bitwise one, and the multi-row dot products vs one row at a time.
#include "core/kernels/rp_dsp.h"
#include "core/kernels/rp_kernels.h"

#include <cstdint>
#include <gtest/gtest.h>
#include <random>
#include <vector>

namespace {

uint32_t isqrt_bitwise(uint32_t v) {
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

uint32_t crc32_bitwise(uint32_t crc, const uint8_t *p, size_t len) {
  crc = ~crc;
  while (len--) {
    crc ^= *p++;
    for (int k = 0; k < 8; ++k)
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

TEST(RequantizeHi, EqualsRequantizeForEveryShift) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<int32_t> mult(1 << 30, INT32_MAX);
  const int32_t edges[] = {0,       1,         -1, 2, -2, INT32_MAX, INT32_MIN, INT32_MIN + 1,
                           1 << 20, -(1 << 20)};
  for (int32_t shift = -31; shift <= 30; ++shift) {
    for (int32_t m : {1 << 30, (1 << 30) + 1, INT32_MAX, 1518500250}) {
      for (int32_t v : edges)
        ASSERT_EQ(rp_requantize_hi(v, m, shift), rp_requantize(v, m, shift))
            << "v " << v << " m " << m << " shift " << shift;
    }
    for (int i = 0; i < 20000; ++i) {
      const int32_t v = i % 2 ? any(rng) : any(rng) >> (i % 31); /* small and large values */
      const int32_t m = mult(rng);
      ASSERT_EQ(rp_requantize_hi(v, m, shift), rp_requantize(v, m, shift))
          << "v " << v << " m " << m << " shift " << shift;
    }
  }
}

TEST(RequantizeHi, TiesRoundHalfUpAtTheSmallestFastShift) {
  /* multiplier 2^30, shift -2: the real multiplier is 2^30 * 2^-33 = 1/8, so v = 4 (mod 8) are
   * exact halves: they round towards +infinity on both sides of zero. */
  for (int32_t v = -64; v <= 64; ++v)
    EXPECT_EQ(rp_requantize_hi(v, 1 << 30, -2), rp_requantize(v, 1 << 30, -2)) << v;
  EXPECT_EQ(rp_requantize_hi(4, 1 << 30, -2), 1);    /* 0.5 -> 1 */
  EXPECT_EQ(rp_requantize_hi(-4, 1 << 30, -2), 0);   /* -0.5 -> 0 */
  EXPECT_EQ(rp_requantize_hi(-12, 1 << 30, -2), -1); /* -1.5 -> -1 */
}

TEST(ISqrtNewton, EqualsBitByBit) {
  for (uint32_t v = 0; v < 70000; ++v)
    ASSERT_EQ(rp_isqrt32(v), isqrt_bitwise(v)) << v;
  for (uint32_t r = 0; r <= 65535; ++r) { /* both sides of every perfect square */
    const uint32_t sq = r * r;
    ASSERT_EQ(rp_isqrt32(sq), r);
    if (sq > 0) {
      ASSERT_EQ(rp_isqrt32(sq - 1), r - 1);
    }
    ASSERT_EQ(rp_isqrt32(sq + 1), isqrt_bitwise(sq + 1)); /* sq + 1 <= 2^32 - 2^17 + 2 */
  }
  std::mt19937 rng(3);
  for (int i = 0; i < 200000; ++i) {
    const uint32_t v = rng() >> (i % 32);
    ASSERT_EQ(rp_isqrt32(v), isqrt_bitwise(v)) << v;
  }
  EXPECT_EQ(rp_isqrt32(0xFFFFFFFFu), 65535u);
}

TEST(Crc32Table, EqualsBitwiseForAnyLengthAndSplit) {
  std::mt19937 rng(11);
  std::vector<uint8_t> data(1031);
  for (auto &b : data)
    b = static_cast<uint8_t>(rng());
  for (size_t len = 0; len <= data.size(); len += (len < 40 ? 1 : 97)) {
    const uint32_t want = crc32_bitwise(0, data.data(), len);
    ASSERT_EQ(rp_crc32(0, data.data(), len), want) << len;
    const size_t cut = len / 3; /* chained: the per-row digests of the stream */
    ASSERT_EQ(rp_crc32(rp_crc32(0, data.data(), cut), data.data() + cut, len - cut), want) << len;
    ASSERT_EQ(rp_crc32(0x12345678u, data.data() + 1, len > 0 ? len - 1 : 0),
              crc32_bitwise(0x12345678u, data.data() + 1, len > 0 ? len - 1 : 0))
        << "unaligned " << len;
  }
}

TEST(MultiRowDot, EqualsOneRowAtATime) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> s8(-128, 127);
  constexpr int32_t kN = 37, kStride = 41;
  std::vector<int8_t> x(kN), w(4 * kStride);
  for (int trial = 0; trial < 50; ++trial) {
    for (auto &v : x)
      v = static_cast<int8_t>(trial == 0 ? -128 : s8(rng));
    for (auto &v : w)
      v = static_cast<int8_t>(trial == 0 ? -128 : s8(rng));
    int32_t a[4] = {1, -2, 3, -4};
    rp_dot4_s8(x.data(), w.data(), kStride, kN, &a[0], &a[1], &a[2], &a[3]);
    int32_t b[2] = {5, -6};
    rp_dot2_s8(x.data(), w.data(), kStride, kN, &b[0], &b[1]);
    const int32_t init[4] = {1, -2, 3, -4};
    for (int r = 0; r < 4; ++r)
      EXPECT_EQ(a[r], rp_dot_s8(x.data(), w.data() + r * kStride, kN, init[r]));
    EXPECT_EQ(b[0], rp_dot_s8(x.data(), w.data(), kN, 5));
    EXPECT_EQ(b[1], rp_dot_s8(x.data(), w.data() + kStride, kN, -6));
    int32_t sq = 0;
    for (int8_t v : x)
      sq += v * v;
    EXPECT_EQ(rp_sumsq_s8(x.data(), kN), sq);
  }
}

TEST(ConvPackX16, GroupsRowsByFourThenTwoThenOneInSxtb16PairOrder) {
  constexpr int32_t kRows = 7, kLen = 8; /* groups: rows 0-3, 4-5, 6 */
  std::vector<int8_t> w(kRows * kLen);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<int8_t>(i % 2 ? -int(i) : int(i) * 2); /* signs survive the widening */
  std::vector<int16_t> out(w.size(), 777);
  ASSERT_EQ(rp_conv_pack_x16(w.data(), kRows, kLen, out.data()), RP_OK);
  size_t k = 0;
  for (int32_t r0 : {0, 4, 6}) {
    const int32_t rows = r0 == 0 ? 4 : (r0 == 4 ? 2 : 1);
    for (int32_t j = 0; j < kLen; j += 4)
      for (int32_t r = 0; r < rows; ++r, k += 4) {
        const int8_t *src = w.data() + (r0 + r) * kLen + j;
        EXPECT_EQ(out[k], src[0]);
        EXPECT_EQ(out[k + 1], src[2]);
        EXPECT_EQ(out[k + 2], src[1]);
        EXPECT_EQ(out[k + 3], src[3]);
      }
  }
  EXPECT_EQ(k, out.size());
  EXPECT_EQ(rp_conv_pack_x16(w.data(), kRows, 6, out.data()), RP_ERR_ARG); /* row_len % 4 */
  EXPECT_EQ(rp_conv_pack_x16(nullptr, kRows, kLen, out.data()), RP_ERR_ARG);
}

TEST(RequantBlocks, EqualRequantizeAndRefuseShiftsOutsideTheRange) {
  std::vector<int32_t> bias, mult, shift;
  for (int32_t sh = -32; sh <= -2; ++sh) {
    bias.push_back(sh * 1000);
    mult.push_back((1 << 30) + sh * 1234567);
    shift.push_back(sh);
  }
  bias.push_back(7); /* 32 channels: -32..-2 and one more -2 */
  mult.push_back(INT32_MAX);
  shift.push_back(-2);
  const int32_t n = static_cast<int32_t>(shift.size());
  rp_requant_t rq{bias.data(), mult.data(), shift.data(), -128, 127};
  std::vector<int32_t> blocks(4 * n);
  ASSERT_EQ(rp_requant_blocks(&rq, n, blocks.data()), RP_OK);
  for (int32_t c = 0; c < n; ++c)
    EXPECT_EQ(blocks[(c / 4) * RP_REQUANT_BLOCK_WORDS + c % 4], bias[c]);
  std::mt19937 rng(9);
  for (int i = 0; i < 200000; ++i) {
    const int32_t c = i % n;
    int32_t v = static_cast<int32_t>(rng()) >> (i % 32);
    if (i % 1000 == 0) v = (i / 1000) % 2 ? INT32_MAX : INT32_MIN;
    const int32_t *t = blocks.data() + (c / 4) * RP_REQUANT_BLOCK_WORDS + 4 + 3 * (c % 4);
    ASSERT_EQ(rp_requantize_block(v, t), rp_requantize(v, mult[c], shift[c]))
        << v << " shift " << shift[c];
  }
  EXPECT_EQ(rp_requant_blocks(&rq, n - 1, blocks.data()), RP_ERR_ARG); /* not 4 | out_c */
  shift[3] = -1; /* needs the 64-bit path: no blocks */
  EXPECT_EQ(rp_requant_blocks(&rq, n, blocks.data()), RP_ERR_ARG);
  shift[3] = -33; /* 2^31 does not fit */
  EXPECT_EQ(rp_requant_blocks(&rq, n, blocks.data()), RP_ERR_ARG);
}

TEST(DepthwisePackX16, NineTapsOfAGroupOfFourChannelsAreContiguous) {
  constexpr int32_t kC = 8;
  std::vector<int8_t> w(9 * kC);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<int8_t>(i % 3 ? -int(i) : int(i));
  std::vector<int16_t> out(w.size(), 777);
  ASSERT_EQ(rp_depthwise_pack_x16(w.data(), kC, out.data()), RP_OK);
  for (int32_t g = 0; g < kC / 4; ++g)
    for (int32_t t = 0; t < 9; ++t) {
      const int16_t *o = out.data() + (g * 9 + t) * 4;
      const int8_t *src = w.data() + t * kC + 4 * g;
      EXPECT_EQ(o[0], src[0]);
      EXPECT_EQ(o[1], src[2]);
      EXPECT_EQ(o[2], src[1]);
      EXPECT_EQ(o[3], src[3]);
    }
  EXPECT_EQ(rp_depthwise_pack_x16(w.data(), 6, out.data()), RP_ERR_ARG);
}

TEST(ResidualAddFastPaths, EqualTheRequantizeFormula) {
  /* rp_add_s8 picks a loop per shift case; every case must give the reference's integers. */
  std::mt19937 rng(13);
  std::vector<int8_t> a(256), b(256), out(256);
  for (int i = 0; i < 256; ++i) {
    a[i] = static_cast<int8_t>(i - 128);
    b[i] = static_cast<int8_t>(rng());
  }
  const int32_t shifts[][3] = {{-1, 0, -19}, {-3, -2, -20}, {-1, -1, -19}, {0, 0, -1}, {1, -5, 0}};
  for (const auto &sh : shifts) {
    const rp_add_t p{2132901431, sh[0], 1073741824, sh[1], 1339689519, sh[2]};
    ASSERT_EQ(rp_add_s8(&p, a.data(), b.data(), out.data(), 256), RP_OK);
    for (int i = 0; i < 256; ++i) {
      const int32_t sa = rp_requantize(a[i] * (1 << RP_ADD_LEFT_SHIFT), p.a_multiplier, sh[0]);
      const int32_t sb = rp_requantize(b[i] * (1 << RP_ADD_LEFT_SHIFT), p.b_multiplier, sh[1]);
      ASSERT_EQ(out[i], rp_sat8(rp_requantize(sa + sb, p.out_multiplier, sh[2])))
          << i << " shifts " << sh[0] << " " << sh[1] << " " << sh[2];
    }
  }
}

} // namespace
