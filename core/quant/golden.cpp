// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/golden.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace rnnpool::quant {

void write_golden_vectors(const QuantizedExecutor &executor, const std::string &dir,
                          const std::string &stem) {
  namespace fs = std::filesystem;
  const fs::path base = fs::path(dir) / stem;
  std::error_code ec;
  fs::create_directories(base, ec);
  if (ec) throw std::runtime_error("cannot create " + base.string() + ": " + ec.message());
  auto write = [](const fs::path &p, const void *data, std::size_t n) {
    std::ofstream f(p, std::ios::binary);
    if (!f || !f.write(static_cast<const char *>(data), std::streamsize(n)))
      throw std::runtime_error("cannot write " + p.string());
  };
  write(base / "frame.u8", executor.frame().data(), executor.frame().size());
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  int index = 0;
  for (const QuantizedLayerOutput &o : executor.outputs()) {
    char file[96], crc[16];
    std::snprintf(file, sizeof file, "%02d_%s.bin", index++, o.name.c_str());
    std::snprintf(crc, sizeof crc, "%08x", o.crc32());
    write(base / file, o.bytes.data(), o.bytes.size());
    layers.push_back({{"name", o.name},
                      {"type", o.type},
                      {"shape_hwc", {o.shape.h, o.shape.w, o.shape.c}},
                      {"scale", o.scale},
                      {"crc32", crc},
                      {"file", file}});
  }
  char digest[16];
  std::snprintf(digest, sizeof digest, "%08x", executor.model().digest());
  const nlohmann::ordered_json index_json = {
      {"model_digest", digest},
      {"input_hw", {executor.model().input.h, executor.model().input.w}},
      {"frame", "frame.u8"},
      {"layers", layers}};
  const std::string text = index_json.dump(2) + "\n";
  write(base / "layers.json", text.data(), text.size());
}

} // namespace rnnpool::quant
