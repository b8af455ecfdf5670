// SPDX-License-Identifier: GPL-3.0-or-later
// NumPy .npz archives: a zip of "<name>.npy" entries, stored (np.savez) or deflated
// (np.savez_compressed). Read from memory so the same path serves files and the fuzzer.
#pragma once

#include "core/io/npy.h"

#include <map>

namespace rnnpool {

using NpzArrays = std::map<std::string, NpyArray>; // keyed by array name (entry minus ".npy")

// Upper bounds that keep a forged archive from exhausting memory.
inline constexpr std::size_t kMaxNpzEntries = 4096;
inline constexpr std::uint64_t kMaxNpzEntryBytes = std::uint64_t(1) << 30;

// Throws FormatError naming `what` (and the entry) for anything malformed.
NpzArrays parse_npz(std::span<const std::uint8_t> bytes, const std::string &what);
NpzArrays read_npz_file(const std::string &path);

std::vector<std::uint8_t> serialize_npz(const NpzArrays &arrays, bool compress = true);
void write_npz_file(const std::string &path, const NpzArrays &arrays, bool compress = true);

} // namespace rnnpool
