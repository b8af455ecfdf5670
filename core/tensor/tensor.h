// SPDX-License-Identifier: GPL-3.0-or-later
// A float32 activation map in HWC (channels-last) order: the layout the microcontroller uses.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace rnnpool {

struct Shape {
  int h = 0;
  int w = 0;
  int c = 0;

  std::size_t elements() const { return std::size_t(h) * std::size_t(w) * std::size_t(c); }
  bool operator==(const Shape &) const = default;
  // "WxHxC", the way the paper and the spec print shapes (e.g. 160x120x4).
  std::string to_string() const;
};

class Tensor {
public:
  Tensor() = default;
  explicit Tensor(Shape shape, float fill = 0.0f) : shape_(shape), data_(shape.elements(), fill) {}

  const Shape &shape() const { return shape_; }
  int h() const { return shape_.h; }
  int w() const { return shape_.w; }
  int c() const { return shape_.c; }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }

  float *data() { return data_.data(); }
  const float *data() const { return data_.data(); }
  std::vector<float> &values() { return data_; }
  const std::vector<float> &values() const { return data_; }

  float &at(int y, int x, int ch) { return data_[(std::size_t(y) * shape_.w + x) * shape_.c + ch]; }
  float at(int y, int x, int ch) const {
    return data_[(std::size_t(y) * shape_.w + x) * shape_.c + ch];
  }
  // Pointer to the C channels of pixel (y, x).
  float *pixel(int y, int x) { return data_.data() + (std::size_t(y) * shape_.w + x) * shape_.c; }
  const float *pixel(int y, int x) const {
    return data_.data() + (std::size_t(y) * shape_.w + x) * shape_.c;
  }

  // Reuses the allocation when the element count allows (no per-frame allocations).
  void reshape(Shape shape) {
    shape_ = shape;
    data_.resize(shape.elements());
  }

private:
  Shape shape_;
  std::vector<float> data_;
};

} // namespace rnnpool
