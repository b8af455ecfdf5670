// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/npz.h"

#include <cstring>
#include <gtest/gtest.h>

using namespace rnnpool;

namespace {

std::vector<std::uint8_t> npy_with_header(const std::string &dict, std::size_t data_bytes) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64)
    header += ' ';
  header += '\n';
  std::vector<std::uint8_t> out{0x93,
                                'N',
                                'U',
                                'M',
                                'P',
                                'Y',
                                1,
                                0,
                                std::uint8_t(header.size() & 0xff),
                                std::uint8_t(header.size() >> 8)};
  out.insert(out.end(), header.begin(), header.end());
  out.resize(out.size() + data_bytes, 0);
  return out;
}

std::string error_of(const std::vector<std::uint8_t> &bytes) {
  try {
    parse_npy(bytes, "x.npy");
  } catch (const FormatError &e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST(Npy, RoundTripFloat32) {
  const NpyArray a = NpyArray::from_floats({2, 3}, {1.5f, -2, 3, 4, 5, 1e-30f});
  const NpyArray b = parse_npy(serialize_npy(a), "mem");
  EXPECT_EQ(b.shape, a.shape);
  EXPECT_EQ(b.dtype, NpyDtype::Float32);
  EXPECT_EQ(b.floats, a.floats);
}

TEST(Npy, SerialisedHeaderIsNumpyStyleAndAligned) {
  const std::vector<std::uint8_t> bytes = serialize_npy(NpyArray::from_floats({4}, {1, 2, 3, 4}));
  const std::string text(bytes.begin() + 10, bytes.begin() + 128);
  EXPECT_EQ(text.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", 0), 0u);
  EXPECT_EQ(bytes.size(), 128u + 16u); // as numpy: data starts 64-byte aligned
  EXPECT_EQ(text.back(), '\n');
}

TEST(Npy, ScalarInt64RoundTrip) {
  NpyArray a;
  a.dtype = NpyDtype::Int64;
  a.ints = {-7};
  const NpyArray b = parse_npy(serialize_npy(a), "mem");
  EXPECT_TRUE(b.shape.empty());
  ASSERT_EQ(b.ints.size(), 1u);
  EXPECT_EQ(b.ints[0], -7);
}

TEST(Npy, Float64IsConvertedToFloat32) {
  std::vector<std::uint8_t> bytes =
      npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16);
  const double values[2] = {0.1, -3.25};
  std::memcpy(bytes.data() + bytes.size() - 16, values, 16);
  const NpyArray a = parse_npy(bytes, "mem");
  EXPECT_EQ(a.dtype, NpyDtype::Float64);
  EXPECT_EQ(a.floats, (std::vector<float>{0.1f, -3.25f}));
}

TEST(Npy, Version2And3HeadersParse) {
  for (std::uint8_t major : {2, 3}) {
    std::string header = "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (1, 1)}\n";
    std::vector<std::uint8_t> bytes{
        0x93, 'N', 'U', 'M', 'P', 'Y', major, 0, std::uint8_t(header.size()), 0, 0, 0};
    bytes.insert(bytes.end(), header.begin(), header.end());
    const float v = 42.0f;
    bytes.insert(bytes.end(), reinterpret_cast<const std::uint8_t *>(&v),
                 reinterpret_cast<const std::uint8_t *>(&v) + 4);
    const NpyArray a = parse_npy(bytes, "mem");
    EXPECT_EQ(a.shape, (std::vector<std::size_t>{1, 1}));
    EXPECT_EQ(a.floats[0], 42.0f);
  }
}

TEST(Npy, RejectsTruncatedData) {
  std::vector<std::uint8_t> bytes = serialize_npy(NpyArray::from_floats({4}, {1, 2, 3, 4}));
  bytes.pop_back();
  EXPECT_NE(error_of(bytes).find("truncated"), std::string::npos) << error_of(bytes);
}

TEST(Npy, RejectsEveryTruncationWithoutCrashing) {
  const std::vector<std::uint8_t> full = serialize_npy(NpyArray::from_floats({2}, {1, 2}));
  for (std::size_t n = 0; n < full.size(); ++n)
    EXPECT_NE(error_of({full.begin(), full.begin() + std::ptrdiff_t(n)}), "") << n;
}

TEST(Npy, RejectsBadMagicAndBadHeaders) {
  EXPECT_NE(error_of({'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}).find("bad magic"), std::string::npos);
  EXPECT_NE(error_of(npy_with_header("{'descr': '<f4', 'shape': (1,), }", 4)).find("fortran_order"),
            std::string::npos);
  EXPECT_NE(error_of(npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,", 4))
                .find("malformed"),
            std::string::npos);
  EXPECT_NE(error_of(npy_with_header(
                         "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", 4))
                .find("unexpected key 'x'"),
            std::string::npos);
}

TEST(Npy, RejectsWrongDtypeAndFortranOrder) {
  EXPECT_NE(
      error_of(npy_with_header("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", 4))
          .find("unsupported dtype '>f4'"),
      std::string::npos);
  EXPECT_NE(
      error_of(npy_with_header("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", 4))
          .find("unsupported dtype '<i4'"),
      std::string::npos);
  EXPECT_NE(error_of(npy_with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", 4))
                .find("fortran_order"),
            std::string::npos);
}

TEST(Npy, RejectsHugeShapesWithoutAllocating) {
  const std::string e1 = error_of(npy_with_header(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 4));
  EXPECT_NE(e1.find("too large"), std::string::npos) << e1;
  const std::string e2 = error_of(npy_with_header(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }", 4));
  EXPECT_NE(e2.find("too large"), std::string::npos) << e2;
  const std::string e3 = error_of(
      npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 32768), }", 4));
  EXPECT_NE(e3.find("does not match"), std::string::npos) << e3;
}

TEST(Npz, RoundTripStoredAndDeflated) {
  NpzArrays arrays;
  arrays["a.b.weight"] = NpyArray::from_floats({2, 2}, {1, 2, 3, 4});
  NpyArray counter;
  counter.dtype = NpyDtype::Int64;
  counter.ints = {5};
  arrays["a.num_batches_tracked"] = counter;
  for (bool compress : {false, true}) {
    const NpzArrays back = parse_npz(serialize_npz(arrays, compress), "mem");
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back.at("a.b.weight").floats, arrays.at("a.b.weight").floats);
    EXPECT_EQ(back.at("a.num_batches_tracked").ints[0], 5);
  }
}

TEST(Npz, RejectsNotAZipAndEmpty) {
  const std::vector<std::uint8_t> junk{'h', 'e', 'l', 'l', 'o'};
  try {
    parse_npz(junk, "junk.npz");
    FAIL();
  } catch (const FormatError &e) {
    EXPECT_NE(std::string(e.what()).find("junk.npz: not a valid zip"), std::string::npos);
  }
  EXPECT_THROW(parse_npz({}, "empty.npz"), FormatError);
}

TEST(Npz, RejectsTruncatedArchives) {
  NpzArrays arrays;
  arrays["w"] = NpyArray::from_floats({64}, std::vector<float>(64, 0.5f));
  const std::vector<std::uint8_t> full = serialize_npz(arrays, true);
  for (std::size_t n = 0; n < full.size(); n += 7)
    EXPECT_THROW(parse_npz({full.data(), n}, "t.npz"), FormatError) << n;
}

TEST(Npz, CorruptEntryNamesTheArray) {
  NpzArrays arrays;
  arrays["conv.0.weight"] = NpyArray::from_floats({8}, std::vector<float>(8, 1.0f));
  std::vector<std::uint8_t> bytes = serialize_npz(arrays, false);
  // Flip a byte of the stored .npy magic: the archive stays valid until the CRC check.
  const std::string magic = "NUMPY";
  auto at = std::search(bytes.begin(), bytes.end(), magic.begin(), magic.end());
  ASSERT_NE(at, bytes.end());
  *at = 'X';
  try {
    parse_npz(bytes, "c.npz");
    FAIL();
  } catch (const FormatError &e) {
    EXPECT_NE(std::string(e.what()).find("array 'conv.0.weight'"), std::string::npos) << e.what();
  }
}
