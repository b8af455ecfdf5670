// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/studio/firmware_reference.h"

#include "core/analysis/layer_stats.h"
#include "core/model/zoo.h"
#include "core/plan/memory_plan.h"
#include "core/quant/quantized_model_file.h"
#include "core/quant/quantized_streaming_executor.h"
#include "firmware_bridge/protocol/wire_format.h"

#include <cstdio>
#include <map>
#include <stdexcept>

namespace rnnpool {

namespace {

// LOCAL STAND-IN until bridge::QuantizedHostReference (branch bridge2) is on main: the same
// streaming executor run, digests and device-style boxes, without tensor read-back.
class LocalQuantizedReference : public bridge::HostReference {
public:
  explicit LocalQuantizedReference(quant::QuantizedModel model)
      : model_(std::move(model)), digest_(model_.digest()) {}

  std::string description() const override {
    char text[64];
    std::snprintf(text, sizeof text, "quantized model (streaming executor), digest 0x%08x",
                  digest_);
    return text;
  }
  uint32_t modelDigest() const override { return digest_; }
  uint64_t madds(int width, int height) const override {
    return analyze_graph(make_rnnpool_face_m4(Shape{height, width, 1})).total_madds;
  }
  uint64_t plannedArenaBytes(int width, int height) const override {
    return make_memory_plan(make_rnnpool_face_m4(Shape{height, width, 1}), PlanStrategy::Streaming,
                            PlanDType::I8)
        .arena_bytes;
  }
  bridge::HostRun run(const cv::Mat &gray) override {
    if (gray.empty() || gray.type() != CV_8UC1 || !gray.isContinuous())
      throw std::invalid_argument("host reference needs a continuous 8-bit gray image");
    Sized &s = sized(gray.cols, gray.rows);
    const quant::StreamingRun r =
        s.streaming.run(std::span<const std::uint8_t>(gray.ptr<std::uint8_t>(0), gray.total()),
                        gray.rows, gray.cols, 0, RNNPOOL_MAX_DETECTIONS);
    bridge::HostRun out;
    for (int i = 0; i < RP_STREAM_LAYERS; ++i)
      out.layers.push_back(
          {quant::stream_layer_name(i), r.crc[std::size_t(i)], r.bytes[std::size_t(i)]});
    for (const rp_face_detection_t &d : r.detections) {
      // As the firmware converts them: Q4 pixels rounded, score Q15 -> Q0.16, label 1.
      auto pixels = [](int16_t q4) {
        return float(int16_t((q4 + (1 << (RP_STREAM_BOX_Q - 1))) >> RP_STREAM_BOX_Q));
      };
      out.detections.push_back({pixels(d.x1), pixels(d.y1), pixels(d.x2), pixels(d.y2),
                                float(uint16_t(d.score_q15 * 2)) / 65535.0f, 1});
    }
    return out;
  }
  std::optional<std::vector<uint8_t>> layerOutput(std::size_t) const override {
    return std::nullopt;
  }

private:
  struct Sized {
    explicit Sized(quant::QuantizedModel m) : model(std::move(m)), streaming(model) {}
    quant::QuantizedModel model; // first: the executor keeps a reference to it
    quant::QuantizedStreamingExecutor streaming;
  };
  Sized &sized(int width, int height) {
    auto &slot = sizes_[{width, height}];
    if (!slot)
      slot = std::make_unique<Sized>(quant::with_input_shape(model_, Shape{height, width, 1}));
    return *slot;
  }

  quant::QuantizedModel model_;
  uint32_t digest_;
  std::map<std::pair<int, int>, std::unique_ptr<Sized>> sizes_;
};

} // namespace

QString defaultFirmwareModelPath() {
#ifdef RNNPOOL_FIRMWARE_QMODEL
  return QStringLiteral(RNNPOOL_FIRMWARE_QMODEL);
#else
  return {};
#endif
}

FirmwareReference loadFirmwareReference(const QString &quantizedModelPath) {
  if (quantizedModelPath.isEmpty())
    throw std::runtime_error("no quantized model configured for the device comparison");
  quant::QuantizedModel model = quant::load_quantized_model(quantizedModelPath.toStdString());
  FirmwareReference out;
  out.mean = model.mean;
  out.modelPath = quantizedModelPath;
  out.reference = std::make_unique<LocalQuantizedReference>(std::move(model));
  return out;
}

} // namespace rnnpool
