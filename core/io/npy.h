// SPDX-License-Identifier: GPL-3.0-or-later
// NumPy .npy files (format versions 1.0, 2.0 and 3.0): little-endian float32, float64 (converted
// to float32 on read) and int64, C order only. Parsing never reads past the given bytes and
// refuses shapes whose element count overflows or does not match the data.
#pragma once

#include "core/io/file_bytes.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace rnnpool {

// Thrown for every malformed or unsupported .npy/.npz input; the message names the input.
struct FormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class NpyDtype { Float32, Float64, Int64 };
const char *npy_descr(NpyDtype dtype); // "<f4", "<f8", "<i8"

struct NpyArray {
  std::vector<std::size_t> shape;     // empty for a scalar
  NpyDtype dtype = NpyDtype::Float32; // as stored in the file
  std::vector<float> floats;          // Float32 and Float64 arrays (Float64 converted)
  std::vector<std::int64_t> ints;     // Int64 arrays

  std::size_t elements() const; // product of shape (1 for a scalar)
  bool is_float() const { return dtype != NpyDtype::Int64; }

  static NpyArray from_floats(std::vector<std::size_t> shape, std::vector<float> values);
};

// "[4,1,3,3]" ("[]" for a scalar): how messages print shapes.
std::string shape_string(const std::vector<std::size_t> &shape);

// Upper bound on the elements of one array (2^31): far above any model here, far below memory
// exhaustion, so a forged header cannot make the loader allocate gigabytes.
inline constexpr std::size_t kMaxNpyElements = std::size_t(1) << 31;

// Parses a whole .npy file held in memory. `what` names the input in error messages.
NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string &what);
NpyArray read_npy_file(const std::string &path);

// Serialises as format 1.0 ("<f4" for float arrays, "<i8" for Int64 ones).
std::vector<std::uint8_t> serialize_npy(const NpyArray &array);
void write_npy_file(const std::string &path, const NpyArray &array);

} // namespace rnnpool
