// SPDX-License-Identifier: GPL-3.0-or-later
// The host side of a device comparison: what the device should compute for a frame (per-layer
// CRC-32 digests of its integer outputs in the device's layer order, its detections, its weights'
// digest). QuantizedHostReference (quantized_host_reference.h) is the one for the firmware.
#pragma once

#include "core/compare/detection_match.h"

#include <cstdint>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

namespace rnnpool::bridge {

struct HostLayer {
  std::string name;
  uint32_t crc = 0;   // CRC-32 (IEEE) of the layer's integer output bytes
  uint32_t bytes = 0; // size of that output
};

struct HostRun {
  std::vector<HostLayer> layers; // in the device's layer order
  std::vector<compare::Box> detections;
};

class HostReference {
public:
  virtual ~HostReference() = default;
  virtual std::string description() const = 0;
  // Must equal the model digest the firmware reports in HELLO_REPLY.
  virtual uint32_t modelDigest() const = 0;
  // Multiply-adds of one frame of this size (0 when unknown): for cycles per MAdd.
  virtual uint64_t madds(int width, int height) const = 0;
  // The planner's activation arena for this frame size (0 when unknown).
  virtual uint64_t plannedArenaBytes(int width, int height) const = 0;
  // Runs the reference on a gray 8-bit image.
  virtual HostRun run(const cv::Mat &gray) = 0;
  // A layer's integer output bytes from the last run, for element-wise metrics against a tensor
  // the device sent back (nullopt when the reference has none).
  virtual std::optional<std::vector<uint8_t>> layerOutput(std::size_t layer) const = 0;
};

} // namespace rnnpool::bridge
