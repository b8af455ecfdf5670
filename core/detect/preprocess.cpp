// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/detect/preprocess.h"

#include "core/io/file_bytes.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace rnnpool {

namespace {
double shrink_factor(int width, int height, const PreprocessConfig &config) {
  return std::sqrt(double(config.target_width) * config.target_height /
                   (double(width) * double(height)));
}
} // namespace

Shape preprocessed_shape(int width, int height, const PreprocessConfig &config) {
  if (width <= 0 || height <= 0)
    throw std::invalid_argument("image has no pixels (" + std::to_string(width) + "x" +
                                std::to_string(height) + ")");
  const double s = shrink_factor(width, height, config);
  return Shape{std::max(kMinInputSide, cvRound(height * s)),
               std::max(kMinInputSide, cvRound(width * s)), 1};
}

PreprocessedImage preprocess(const cv::Mat &image, const PreprocessConfig &config) {
  if (image.empty()) throw std::invalid_argument("empty image");
  if (image.depth() != CV_8U ||
      (image.channels() != 1 && image.channels() != 3 && image.channels() != 4))
    throw std::invalid_argument("unsupported image type (need 8-bit gray, BGR or BGRA)");
  const Shape shape = preprocessed_shape(image.cols, image.rows, config);
  const double s = shrink_factor(image.cols, image.rows, config);

  cv::Mat resized;
  if (shape.w == cvRound(image.cols * s) && shape.h == cvRound(image.rows * s))
    cv::resize(image, resized, cv::Size(), s, s, cv::INTER_LINEAR); // the reference's call
  else
    cv::resize(image, resized, cv::Size(shape.w, shape.h), 0, 0, cv::INTER_LINEAR);

  cv::Mat as_float, gray;
  resized.convertTo(as_float, CV_32F);
  if (as_float.channels() == 3)
    cv::cvtColor(as_float, gray, cv::COLOR_BGR2GRAY);
  else if (as_float.channels() == 4)
    cv::cvtColor(as_float, gray, cv::COLOR_BGRA2GRAY);
  else
    gray = as_float;

  PreprocessedImage out;
  out.original_width = image.cols;
  out.original_height = image.rows;
  out.input = Tensor(shape);
  for (int y = 0; y < shape.h; ++y) {
    const float *row = gray.ptr<float>(y);
    float *dst = out.input.pixel(y, 0);
    for (int x = 0; x < shape.w; ++x)
      dst[x] = row[x] - config.mean;
  }
  return out;
}

cv::Mat read_image(const std::string &path) {
  // Decoding from our own read keeps OpenCV from logging its own warning for a missing file:
  // the caller's one error line is the whole report.
  std::vector<std::uint8_t> bytes;
  try {
    bytes = read_binary_file(path);
  } catch (const std::runtime_error &) {
    throw std::runtime_error(path + ": cannot open image file");
  }
  cv::Mat image;
  if (!bytes.empty()) image = cv::imdecode(bytes, cv::IMREAD_COLOR);
  if (image.empty()) throw std::runtime_error(path + ": not a readable image");
  return image;
}

} // namespace rnnpool
