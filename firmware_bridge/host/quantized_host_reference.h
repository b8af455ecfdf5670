// SPDX-License-Identifier: GPL-3.0-or-later
// The host reference for the real firmware: the quantized RNNPool-Face-M4 run through
// QuantizedStreamingExecutor, i.e. the very C file (core/kernels/rp_face_stream.c) the device
// compiles. It predicts the device's per-layer CRC-32 digests (the device's 18-layer order) and
// its detections bit for bit. Element-wise tensors come from the whole-tensor QuantizedExecutor,
// computed only when asked for (the streaming device never sends any: they are for a device that
// does, or for inspecting a layer whose digest differs).
#pragma once

#include "core/quant/quantized_executor.h"
#include "core/quant/quantized_model.h"
#include "core/quant/quantized_streaming_executor.h"
#include "firmware_bridge/host/host_reference.h"

#include <map>
#include <memory>
#include <utility>

namespace rnnpool::bridge {

class QuantizedHostReference : public HostReference {
public:
  // Loads the quantized model file (rnnpool-cli quantize --output); throws std::runtime_error
  // naming the file when it is missing or invalid.
  explicit QuantizedHostReference(const std::string &quantizedModelPath);
  ~QuantizedHostReference() override;

  std::string description() const override;
  uint32_t modelDigest() const override { return digest_; }
  uint64_t madds(int width, int height) const override;
  // The streaming i8 plan's arena (what `rnnpool-cli plan --strategy streaming --dtype i8`
  // prints and the firmware's arena is sized by, at 320x240).
  uint64_t plannedArenaBytes(int width, int height) const override;
  HostRun run(const cv::Mat &gray) override;
  // Layer i of the last run, from the whole-tensor executor (computed on first request).
  std::optional<std::vector<uint8_t>> layerOutput(std::size_t layer) const override;

  // The streaming run of the last frame (head outputs, painted arena mark, raw detections).
  const quant::StreamingRun &lastRun() const { return last_; }
  const std::string &path() const { return path_; }

private:
  struct Sized; // the model at one frame size plus its executor (which points into it)
  Sized &sized(int width, int height) const;

  std::string path_;
  std::unique_ptr<quant::QuantizedModel> model_;
  uint32_t digest_ = 0;
  mutable std::map<std::pair<int, int>, std::unique_ptr<Sized>> sizes_;
  mutable std::map<std::pair<int, int>, uint64_t> planned_, madds_;
  quant::StreamingRun last_;
  std::vector<uint8_t> lastFrame_;
  int lastWidth_ = 0, lastHeight_ = 0;
  mutable std::vector<quant::QuantizedLayerOutput> wholeTensors_; // of the last run, lazily
};

// The same conversion the firmware applies (model_face.c): box corners from Q4 pixels rounded
// to pixels, score Q15 -> Q0.16, label 1 (face); then as compare::Box like the device's.
compare::Box toDeviceBox(const rp_face_detection_t &detection);

} // namespace rnnpool::bridge
