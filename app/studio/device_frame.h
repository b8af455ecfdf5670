// SPDX-License-Identifier: GPL-3.0-or-later
// The frame the device is sent: a captured BGR frame preprocessed exactly as the host's
// quantized detector does it (aspect-kept resize to about 320x240, float grayscale, mean
// subtracted, then rounded back to the uint8 pixels the firmware receives), and the way back
// from the device's input-pixel boxes to the captured frame's pixels.
#pragma once

#include "core/compare/detection_match.h"
#include "widgets/pipeline/frame_result.h"

#include <opencv2/core.hpp>
#include <vector>

namespace rnnpool {

struct DeviceInput {
  cv::Mat gray; // CV_8UC1, the model input size
  int frameWidth = 0, frameHeight = 0;
};

// Throws std::invalid_argument for an empty or unsupported image.
DeviceInput prepareDeviceInput(const cv::Mat &bgr, double mean);

std::vector<DetectedBox> toFrameBoxes(const std::vector<compare::Box> &inputBoxes,
                                      const DeviceInput &input);

} // namespace rnnpool
