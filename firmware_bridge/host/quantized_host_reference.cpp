// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/host/quantized_host_reference.h"

#include "core/analysis/layer_stats.h"
#include "core/model/zoo.h"
#include "core/plan/memory_plan.h"
#include "core/quant/quantized_model_file.h"
#include "firmware_bridge/protocol/wire_format.h"

#include <cstdio>
#include <stdexcept>

namespace rnnpool::bridge {

struct QuantizedHostReference::Sized {
  explicit Sized(quant::QuantizedModel m) : model(std::move(m)), streaming(model) {}
  quant::QuantizedModel model; // declared first: the executor keeps a reference to it
  quant::QuantizedStreamingExecutor streaming;
};

QuantizedHostReference::QuantizedHostReference(const std::string &quantizedModelPath)
    : path_(quantizedModelPath),
      model_(std::make_unique<quant::QuantizedModel>(quant::load_quantized_model(path_))),
      digest_(model_->digest()) {}

QuantizedHostReference::~QuantizedHostReference() = default;

std::string QuantizedHostReference::description() const {
  char digest[16];
  std::snprintf(digest, sizeof digest, "0x%08x", digest_);
  return "quantized " + model_->architecture + " (streaming executor) from " + path_ + ", digest " +
         digest;
}

QuantizedHostReference::Sized &QuantizedHostReference::sized(int width, int height) const {
  auto &slot = sizes_[{width, height}];
  if (!slot)
    slot = std::make_unique<Sized>(quant::with_input_shape(*model_, Shape{height, width, 1}));
  return *slot;
}

uint64_t QuantizedHostReference::madds(int width, int height) const {
  auto [it, fresh] = madds_.try_emplace({width, height}, 0);
  if (fresh) it->second = analyze_graph(make_rnnpool_face_m4(Shape{height, width, 1})).total_madds;
  return it->second;
}

uint64_t QuantizedHostReference::plannedArenaBytes(int width, int height) const {
  auto [it, fresh] = planned_.try_emplace({width, height}, 0);
  if (fresh)
    it->second = make_memory_plan(make_rnnpool_face_m4(Shape{height, width, 1}),
                                  PlanStrategy::Streaming, PlanDType::I8)
                     .arena_bytes;
  return it->second;
}

compare::Box toDeviceBox(const rp_face_detection_t &d) {
  auto pixels = [](int16_t q4) {
    return static_cast<float>(
        static_cast<int16_t>((q4 + (1 << (RP_STREAM_BOX_Q - 1))) >> RP_STREAM_BOX_Q));
  };
  const auto scoreQ16 = static_cast<uint16_t>(d.score_q15 * 2);
  return {pixels(d.x1),
          pixels(d.y1),
          pixels(d.x2),
          pixels(d.y2),
          static_cast<float>(scoreQ16) / 65535.0f,
          1};
}

HostRun QuantizedHostReference::run(const cv::Mat &gray) {
  if (gray.empty() || gray.type() != CV_8UC1)
    throw std::invalid_argument("host reference needs a non-empty 8-bit gray image");
  lastFrame_.resize(gray.total());
  for (int y = 0; y < gray.rows; ++y)
    std::copy(gray.ptr<uint8_t>(y), gray.ptr<uint8_t>(y) + gray.cols,
              lastFrame_.begin() + static_cast<std::ptrdiff_t>(y) * gray.cols);
  lastWidth_ = gray.cols;
  lastHeight_ = gray.rows;
  wholeTensors_.clear();
  last_ = sized(gray.cols, gray.rows)
              .streaming.run(lastFrame_, gray.rows, gray.cols, 0, RNNPOOL_MAX_DETECTIONS);
  HostRun out;
  for (int i = 0; i < RP_STREAM_LAYERS; ++i)
    out.layers.push_back({quant::stream_layer_name(i), last_.crc[static_cast<std::size_t>(i)],
                          last_.bytes[static_cast<std::size_t>(i)]});
  for (const rp_face_detection_t &d : last_.detections)
    out.detections.push_back(toDeviceBox(d));
  return out;
}

std::optional<std::vector<uint8_t>> QuantizedHostReference::layerOutput(std::size_t layer) const {
  if (lastFrame_.empty() || layer >= static_cast<std::size_t>(RP_STREAM_LAYERS))
    return std::nullopt;
  if (wholeTensors_.empty()) {
    quant::QuantizedExecutor whole(sized(lastWidth_, lastHeight_).model);
    whole.run(lastFrame_);
    wholeTensors_ = whole.outputs();
  }
  // Same names, same order as the digests (tests/kernels/test_face_stream checks the CRCs).
  const std::string name = quant::stream_layer_name(static_cast<int>(layer));
  for (const quant::QuantizedLayerOutput &o : wholeTensors_)
    if (o.name == name) return o.bytes;
  return std::nullopt;
}

} // namespace rnnpool::bridge
