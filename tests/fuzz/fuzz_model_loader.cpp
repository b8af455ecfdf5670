// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer: arbitrary bytes into the .npy parser, the NPZ/model loader (from memory) and the
// manifest parser. Any outcome but a FormatError (or success) is a bug.
#include "core/io/model_file.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  try {
    rnnpool::parse_npy(bytes, "fuzz.npy");
  } catch (const rnnpool::FormatError &) {
  }
  try {
    rnnpool::load_model(bytes, std::nullopt, "fuzz.npz");
  } catch (const rnnpool::FormatError &) {
  }
  if (size > 0 && data[0] == '{') {
    try {
      rnnpool::parse_manifest(std::string(reinterpret_cast<const char *>(data), size), "fuzz.json");
    } catch (const rnnpool::FormatError &) {
    }
  }
  return 0;
}
