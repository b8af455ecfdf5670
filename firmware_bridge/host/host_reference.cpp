// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/host/host_reference.h"

#include "firmware_bridge/protocol/crc32.h"

#include <stdexcept>

namespace rnnpool::bridge {

uint64_t StubHostReference::plannedArenaBytes(int width, int height) const {
  // The stub keeps the whole frame in its arena when it fits, else nothing.
  const uint64_t frame = static_cast<uint64_t>(width) * static_cast<uint64_t>(height);
  return frame <= arenaBytes_ ? frame : 0;
}

HostRun StubHostReference::run(const cv::Mat &gray) {
  if (gray.empty() || gray.type() != CV_8UC1)
    throw std::invalid_argument("host reference needs a non-empty 8-bit gray image");
  frame_.resize(gray.total());
  for (int y = 0; y < gray.rows; ++y)
    std::copy(gray.ptr<uint8_t>(y), gray.ptr<uint8_t>(y) + gray.cols,
              frame_.begin() + static_cast<std::ptrdiff_t>(y) * gray.cols);
  HostRun out;
  out.layers.push_back(
      {"input", rnnpool_crc32(frame_.data(), frame_.size()), static_cast<uint32_t>(frame_.size())});
  return out;
}

std::optional<std::vector<uint8_t>> StubHostReference::layerOutput(std::size_t layer) const {
  if (layer != 0 || frame_.empty()) return std::nullopt;
  return frame_;
}

} // namespace rnnpool::bridge
