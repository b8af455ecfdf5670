// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/file_bytes.h"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace rnnpool {

std::vector<std::uint8_t> read_binary_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open for reading");
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error(path + ": read error");
  return bytes;
}

void write_binary_file(const std::string &path, std::span<const std::uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(path + ": cannot open for writing");
  out.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
  if (!out.flush()) throw std::runtime_error(path + ": write error");
}

} // namespace rnnpool
