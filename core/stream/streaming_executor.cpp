// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/stream/streaming_executor.h"

#include "core/stream/face_stream_runner.h"

#include <stdexcept>

namespace rnnpool {

StreamingExecutor::StreamingExecutor(const Graph &graph, int candidate_capacity)
    : graph_(graph), schedule_(make_streaming_schedule(graph, candidate_capacity)),
      placement_(place_stream_buffers(schedule_, StreamDType::F32)) {
  stream_detail::face_stream_weights(graph_); // fail now, not at the first frame
  const FaceStreamGeometry &geo = schedule_.geometry;
  decoder_.image_w = geo.input.w;
  decoder_.image_h = geo.input.h;
  decoder_.capacity = candidate_capacity;
  for (int k = 0; k < 4; ++k) {
    decoder_.head_h[k] = geo.head_in[k].h;
    decoder_.head_w[k] = geo.head_in[k].w;
    const std::string id = std::to_string(k);
    outputs_["loc." + id] = Tensor({geo.head_in[k].h, geo.head_in[k].w, geo.loc_channels});
    outputs_["conf." + id] = Tensor({geo.head_in[k].h, geo.head_in[k].w, geo.conf_channels[k]});
  }
  arena_.assign(placement_.arena_bytes / 4, 0.0f);
}

void StreamingExecutor::run(const Tensor &input, bool poison_dead_memory) {
  const FaceStreamGeometry &geo = schedule_.geometry;
  const stream_detail::FaceStreamWeights weights = stream_detail::face_stream_weights(graph_);
  Tensor *loc[4], *conf[4];
  for (int k = 0; k < 4; ++k) {
    loc[k] = &outputs_.at("loc." + std::to_string(k));
    conf[k] = &outputs_.at("conf." + std::to_string(k));
  }
  auto sink = [&](int k, int y, int x, const float *l, const float *c) {
    std::copy_n(l, geo.loc_channels, loc[k]->pixel(y, x));
    std::copy_n(c, geo.conf_channels[k], conf[k]->pixel(y, x));
  };
  std::vector<std::size_t> offsets_floats;
  for (std::size_t off : placement_.offsets)
    offsets_floats.push_back(off / 4);
  stream_detail::FaceStreamRunner runner(geo, weights, schedule_.buffers, schedule_.steps,
                                         arena_.data(), arena_.size(), offsets_floats,
                                         poison_dead_memory, sink, decoder_);
  runner.run(&input);
  candidates_ = runner.candidates();
  high_water_bytes_ = runner.high_water_floats() * 4;
}

const Tensor &StreamingExecutor::output(const std::string &name) const {
  const auto it = outputs_.find(name);
  if (it == outputs_.end())
    throw std::invalid_argument("streaming executor: no head output '" + name + "'");
  return it->second;
}

std::size_t StreamingExecutor::buffer_offset(const std::string &name) const {
  for (std::size_t i = 0; i < schedule_.buffers.size(); ++i)
    if (schedule_.buffers[i].name == name) return placement_.offsets[i];
  throw std::invalid_argument("streaming executor: no buffer '" + name + "'");
}

} // namespace rnnpool
