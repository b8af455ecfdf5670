// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 5, acceptance 4, on committed data: for each named demo frame under
// tests/data/demo_golden (written by tools/golden/make_demo_golden.sh), the bundled quantized
// model reproduces every layer's raw integer output byte for byte, and its boxes are the float
// model's boxes on the same frame.
#include "core/detect/detector.h"
#include "core/io/model_file.h"
#include "core/quant/quantized_detector.h"
#include "core/quant/quantized_executor.h"
#include "core/quant/quantized_model_file.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

using namespace rnnpool;
namespace fs = std::filesystem;

namespace {

const fs::path kSource(RNNPOOL_SOURCE_DIR);
const fs::path kGoldenDir = kSource / "tests/data/demo_golden";
const fs::path kFloatModel = kSource / "resources/models/rnnpool-face-m4.npz";
const fs::path kQuantizedModel = kSource / "resources/models/rnnpool-face-m4.q.json";
// "Same boxes": one to one, IoU >= 0.8 and scores within 0.05 (int8 cannot be bit-equal to float).
constexpr float kMinIoU = 0.8f;
constexpr float kMaxScoreDiff = 0.05f;

std::vector<std::uint8_t> read_bytes(const fs::path &p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + p.string());
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::vector<std::string> golden_frames() {
  std::vector<std::string> out;
  if (fs::is_directory(kGoldenDir))
    for (const auto &e : fs::directory_iterator(kGoldenDir))
      if (fs::exists(e.path() / "layers.json")) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

float iou(const Detection &a, const Detection &b) {
  const float ix = std::max(0.0f, std::min(a.x2, b.x2) - std::max(a.x1, b.x1));
  const float iy = std::max(0.0f, std::min(a.y2, b.y2) - std::max(a.y1, b.y1));
  const float inter = ix * iy;
  const float uni = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

class DemoGolden : public ::testing::TestWithParam<std::string> {};

TEST(DemoGoldenData, FramesArePresent) {
  EXPECT_GE(golden_frames().size(), 2u) << "no golden frames in " << kGoldenDir;
}

TEST_P(DemoGolden, LayersBitExactAndBoxesEqualTheFloatModel) {
  const fs::path dir = kGoldenDir / GetParam();
  const auto index = nlohmann::json::parse(read_bytes(dir / "layers.json"));
  const quant::QuantizedModel model = quant::load_quantized_model(kQuantizedModel.string());
  char digest[16];
  std::snprintf(digest, sizeof digest, "%08x", model.digest());
  ASSERT_EQ(index.at("model_digest").get<std::string>(), digest)
      << "the golden vectors are from another quantized model: regenerate them with "
         "tools/golden/make_demo_golden.sh";
  const int H = index.at("input_hw")[0], W = index.at("input_hw")[1];
  const std::vector<std::uint8_t> frame = read_bytes(dir / "frame.u8");
  ASSERT_EQ(frame.size(), std::size_t(H) * W);

  // 1. Every layer's raw integers, byte for byte.
  const quant::QuantizedModel sized = quant::with_input_shape(model, Shape{H, W, 1});
  quant::QuantizedExecutor executor(sized);
  executor.run(frame);
  const auto &layers = index.at("layers");
  ASSERT_EQ(layers.size(), executor.outputs().size());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const quant::QuantizedLayerOutput &mine = executor.outputs()[i];
    EXPECT_EQ(mine.name, layers[i].at("name").get<std::string>());
    char crc[16];
    std::snprintf(crc, sizeof crc, "%08x", mine.crc32());
    EXPECT_EQ(crc, layers[i].at("crc32").get<std::string>()) << mine.name;
    const fs::path bin = dir / layers[i].at("file").get<std::string>();
    if (fs::exists(bin)) {
      EXPECT_TRUE(mine.bytes == read_bytes(bin)) << mine.name << " bytes";
    }
  }

  // 2. The float model's boxes on the same frame.
  const cv::Mat image(H, W, CV_8UC1, const_cast<std::uint8_t *>(frame.data()));
  FaceDetector float_detector(load_model_file(kFloatModel.string()));
  quant::QuantizedFaceDetector int_detector(model);
  const DetectionResult f = float_detector.detect(image);
  const DetectionResult q = int_detector.detect(image);
  ASSERT_EQ(q.boxes.size(), f.boxes.size()) << "face count, float vs int8";
  for (const Detection &fb : f.boxes) {
    const auto best = std::max_element(
        q.boxes.begin(), q.boxes.end(),
        [&](const Detection &a, const Detection &b) { return iou(a, fb) < iou(b, fb); });
    EXPECT_GE(iou(*best, fb), kMinIoU)
        << "float box " << fb.x1 << "," << fb.y1 << " " << fb.x2 << "," << fb.y2;
    EXPECT_NEAR(best->score, fb.score, kMaxScoreDiff);
    std::printf("[ measure ] %s: float box score %.3f, int8 %.3f, IoU %.3f\n", GetParam().c_str(),
                fb.score, best->score, iou(*best, fb));
  }
}

INSTANTIATE_TEST_SUITE_P(Frames, DemoGolden, ::testing::ValuesIn(golden_frames()),
                         [](const auto &info) { return info.param; });

} // namespace
