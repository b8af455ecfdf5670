// SPDX-License-Identifier: GPL-3.0-or-later
// Whole-file reads and writes; errors (std::runtime_error) name the path.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace rnnpool {

std::vector<std::uint8_t> read_binary_file(const std::string &path);
void write_binary_file(const std::string &path, std::span<const std::uint8_t> bytes);

} // namespace rnnpool
