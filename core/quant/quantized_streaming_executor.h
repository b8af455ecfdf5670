// SPDX-License-Identifier: GPL-3.0-or-later
// The host side of the device's executor: runs core/kernels/rp_face_stream.c (the very C file the
// firmware compiles) on the host, so the host predicts the device's per-layer digests, head
// outputs, detections and arena use exactly. The arena is painted before the run and the
// high-water mark read back the way the firmware measures its own.
#pragma once

#include "core/kernels/rp_face_stream.h"
#include "core/quant/quantized_model.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace rnnpool::quant {

// Layer names in digest order (the whole-tensor QuantizedExecutor's output order).
const char *stream_layer_name(int layer);

struct StreamingRun {
  std::array<std::uint32_t, RP_STREAM_LAYERS> crc{};
  std::array<std::uint32_t, RP_STREAM_LAYERS> bytes{};
  std::vector<rp_face_detection_t> detections;                       // after NMS, best first
  std::vector<std::int16_t> loc[RP_FACE_HEADS], conf[RP_FACE_HEADS]; // HWC head outputs
  std::size_t arena_bytes = 0;      // the layout's size for this frame
  std::size_t arena_high_water = 0; // highest arena byte written (painting)
};

class QuantizedStreamingExecutor {
public:
  static constexpr std::uint32_t kPaint = 0xC0DEF00Du; // as the firmware's stack paint
  static constexpr int kDefaultCandidates = 64;        // the schedule's bounded list

  explicit QuantizedStreamingExecutor(const QuantizedModel &model,
                                      int candidate_capacity = kDefaultCandidates);

  // frame: h * w gray pixels, pushed `chunk` pixels at a time (0: all at once), as the device
  // receives them. Throws naming the problem on a bad size or a kernel error.
  StreamingRun run(std::span<const std::uint8_t> frame, int h, int w, std::size_t chunk = 0,
                   std::size_t max_detections = 64) const;

  // The arena layout for an h x w frame (throws if the schedule cannot run that size).
  rp_face_stream_layout_t layout(int h, int w) const;
  const rp_face_decode_t &decode() const { return decode_; }

private:
  const QuantizedModel &model_;
  rp_face_model_t kernels_;
  rp_face_decode_t decode_;
  int capacity_;
};

} // namespace rnnpool::quant
