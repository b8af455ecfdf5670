// SPDX-License-Identifier: GPL-3.0-or-later
// The host side of a device comparison: what the device should compute for a frame. The
// firmware currently runs a STUB model (one layer, "input", whose digest is the CRC-32 of the
// frame), so StubHostReference mirrors it. When the quantized RNNPool-Face-M4 lands, a
// HostReference over the bit-exact integer executor (per-layer CRC-32 digests of its integer
// outputs, its detections, its weights' digest) replaces it behind this interface; nothing else
// in the bridge or the CLI changes.
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
  // A layer's integer output from the last run, for element-wise metrics.
  virtual std::optional<std::vector<uint8_t>> layerOutput(std::size_t layer) const = 0;
};

// Mirrors firmware_bridge/target/model_stub.c.
class StubHostReference : public HostReference {
public:
  // arenaBytes: the device's arena (HELLO_REPLY.arena_size); the stub keeps a frame only when
  // it fits there.
  explicit StubHostReference(uint32_t arenaBytes = 0) : arenaBytes_(arenaBytes) {}
  std::string description() const override { return "stub model (layer 'input' = the frame)"; }
  uint32_t modelDigest() const override { return 0; }
  uint64_t madds(int, int) const override { return 0; }
  uint64_t plannedArenaBytes(int width, int height) const override;
  HostRun run(const cv::Mat &gray) override;
  std::optional<std::vector<uint8_t>> layerOutput(std::size_t layer) const override;

private:
  uint32_t arenaBytes_;
  std::vector<uint8_t> frame_;
};

} // namespace rnnpool::bridge
