// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/perf/bench_setup.h"

#include "core/model/zoo.h"
#include "core/quant/quantized_executor.h"

#include <algorithm>
#include <cmath>

namespace rnnpool::perf {

std::vector<std::uint8_t> synthetic_frame(int height, int width) {
  std::vector<std::uint8_t> frame(std::size_t(height) * std::size_t(width));
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      // A diagonal ramp, a few soft discs (face-sized blobs) and a fine texture.
      double v = 60.0 + 120.0 * (x + y) / double(width + height);
      for (int k = 0; k < 4; ++k) {
        const double cx = width * (0.2 + 0.2 * k), cy = height * (0.3 + 0.12 * k);
        const double r = 12.0 + 8.0 * k;
        const double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (r * r);
        v += 70.0 * std::exp(-d2) * (k % 2 ? -1.0 : 1.0);
      }
      v += 10.0 * std::sin(0.7 * x) * std::cos(0.5 * y);
      frame[std::size_t(y) * width + x] = std::uint8_t(std::clamp(std::lround(v), 0L, 255L));
    }
  return frame;
}

std::unique_ptr<BenchSetup> make_bench_setup(const std::string &model_path) {
  auto s = std::make_unique<BenchSetup>();
  if (model_path.empty()) {
    ModelManifest manifest;
    const Graph arch = make_rnnpool_face_m4({manifest.input_height, manifest.input_width, 1});
    s->model.graph =
        graph_from_state_dict(arch, random_state_dict(arch, kBenchSeed), "random weights");
    s->model.manifest = manifest;
    s->description = "random weights (seed " + std::to_string(kBenchSeed) + ")";
  } else {
    s->model = load_model_file(model_path);
    s->description = model_path;
  }
  const Shape shape = s->model.graph.input_shape;
  s->frame = synthetic_frame(shape.h, shape.w);
  s->input = Tensor(shape);
  const float mean = s->model.manifest.mean;
  for (std::size_t i = 0; i < s->frame.size(); ++i)
    s->input.data()[i] = float(s->frame[i]) - mean;
  s->quantized = quant::quantize_face_model(s->model.graph, mean,
                                            quant::calibrate(s->model.graph, {s->input}));
  // The frame the quantized path sees is the float input rounded back (what the device gets).
  s->frame = quant::frame_from_input(s->input, mean);
  return s;
}

} // namespace rnnpool::perf
