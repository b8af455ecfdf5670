// SPDX-License-Identifier: GPL-3.0-or-later
// Image -> network input, as the reference evaluation does it (spec section 2): resize keeping the
// aspect ratio to about target_width * target_height pixels, grayscale 0.299R+0.587G+0.114B,
// subtract the mean. The result is an HWC tensor with one channel.
#pragma once

#include "core/tensor/tensor.h"

#include <opencv2/core.hpp>
#include <string>

namespace rnnpool {

struct PreprocessConfig {
  int target_width = 320;
  int target_height = 240;
  float mean = 117.312f; // see ModelManifest::mean
};

// Smallest side the network input may have (the face model needs >= 15 pixels).
inline constexpr int kMinInputSide = 16;

// Network input size for an image: scale s = sqrt(target_w * target_h / (w * h)), sides
// cvRound(w * s) x cvRound(h * s) as cv::resize computes them from fx = fy = s; a side below
// kMinInputSide is raised to it (extreme aspect ratios then stretch slightly).
Shape preprocessed_shape(int width, int height, const PreprocessConfig &config);

struct PreprocessedImage {
  Tensor input; // [h][w][1] float, mean subtracted
  int original_width = 0;
  int original_height = 0;
};

// Accepts 8-bit gray, BGR or BGRA images; throws std::invalid_argument for anything else.
// Order as in the reference: resize the 8-bit image (bilinear), then convert to float, then
// grayscale (in float, so no rounding), then subtract the mean.
PreprocessedImage preprocess(const cv::Mat &image, const PreprocessConfig &config);

// Decodes an image file as BGR; throws std::runtime_error naming the path when it cannot.
cv::Mat read_image(const std::string &path);

} // namespace rnnpool
