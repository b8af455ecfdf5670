// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/studio/device_frame.h"

#include "core/detect/preprocess.h"
#include "core/quant/quantized_executor.h"

#include <algorithm>
#include <stdexcept>

namespace rnnpool {

DeviceInput prepareDeviceInput(const cv::Mat &bgr, double mean) {
  if (bgr.empty()) throw std::invalid_argument("device frame: empty image");
  // The same steps as quant::QuantizedFaceDetector::detect, so the host quantized model and the
  // device see the same pixels.
  const PreprocessedImage pre = preprocess(bgr, PreprocessConfig{320, 240, float(mean)});
  const std::vector<std::uint8_t> pixels = quant::frame_from_input(pre.input, mean);
  DeviceInput out;
  out.gray = cv::Mat(pre.input.h(), pre.input.w(), CV_8UC1);
  std::copy(pixels.begin(), pixels.end(), out.gray.ptr<std::uint8_t>(0));
  out.frameWidth = pre.original_width;
  out.frameHeight = pre.original_height;
  return out;
}

std::vector<DetectedBox> toFrameBoxes(const std::vector<compare::Box> &inputBoxes,
                                      const DeviceInput &input) {
  std::vector<DetectedBox> out;
  if (input.gray.empty()) return out;
  const float sx = float(input.frameWidth) / float(input.gray.cols);
  const float sy = float(input.frameHeight) / float(input.gray.rows);
  const float W = float(input.frameWidth), H = float(input.frameHeight);
  for (const compare::Box &b : inputBoxes)
    out.push_back({std::clamp(b.x0 * sx, 0.0f, W), std::clamp(b.y0 * sy, 0.0f, H),
                   std::clamp(b.x1 * sx, 0.0f, W), std::clamp(b.y1 * sy, 0.0f, H), b.score});
  return out;
}

} // namespace rnnpool
