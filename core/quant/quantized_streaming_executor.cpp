// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/quant/quantized_streaming_executor.h"

#include "core/quant/stream_decode.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace rnnpool::quant {
namespace {

struct HeadCollector {
  StreamingRun *run;
  const rp_face_model_t *m;
};

void collect_head(void *ctx, std::int32_t head, std::int32_t, std::int32_t, const std::int16_t *loc,
                  const std::int16_t *conf) {
  auto *c = static_cast<HeadCollector *>(ctx);
  c->run->loc[head].insert(c->run->loc[head].end(), loc, loc + c->m->loc[head].out_c);
  c->run->conf[head].insert(c->run->conf[head].end(), conf, conf + c->m->conf[head].out_c);
}

} // namespace

const char *stream_layer_name(int layer) {
  static const char *names[RP_STREAM_LAYERS] = {
      "conv",      "rnn_model", "rnn_pad",   "mob.0.project", "mob.1.add", "mob.2.project",
      "mob.3.add", "L2Norm3_3", "L2Norm4_3", "L2Norm5_3",     "loc.0",     "conf.0",
      "loc.1",     "conf.1",    "loc.2",     "conf.2",        "loc.3",     "conf.3"};
  return layer >= 0 && layer < RP_STREAM_LAYERS ? names[layer] : "?";
}

QuantizedStreamingExecutor::QuantizedStreamingExecutor(const QuantizedModel &model,
                                                       int candidate_capacity)
    : model_(model), kernels_(model.view()), decode_(face_decode_params(model)),
      capacity_(candidate_capacity) {
  if (candidate_capacity < 1 || candidate_capacity > 4096)
    throw std::invalid_argument("quantized streaming executor: candidate capacity " +
                                std::to_string(candidate_capacity) + " outside 1..4096");
}

rp_face_stream_layout_t QuantizedStreamingExecutor::layout(int h, int w) const {
  rp_face_stream_layout_t l{};
  if (rp_face_stream_layout(&kernels_, h, w, capacity_, &l) != RP_OK)
    throw std::invalid_argument(
        "quantized streaming executor: the streaming schedule cannot run a " + std::to_string(w) +
        "x" + std::to_string(h) + " frame");
  return l;
}

StreamingRun QuantizedStreamingExecutor::run(std::span<const std::uint8_t> frame, int h, int w,
                                             std::size_t chunk, std::size_t max_detections) const {
  if (h <= 0 || w <= 0 || frame.size() != std::size_t(h) * std::size_t(w))
    throw std::invalid_argument("quantized streaming executor: frame has " +
                                std::to_string(frame.size()) + " pixels, expected " +
                                std::to_string(w) + "x" + std::to_string(h));
  const rp_face_stream_layout_t l = layout(h, w);
  std::vector<std::uint32_t> arena(std::size_t(l.arena_bytes) / 4 + 1, kPaint);
  rp_face_stream_t s;
  if (rp_face_stream_begin(&s, &kernels_, &decode_, h, w, capacity_, arena.data(), l.arena_bytes) !=
      RP_OK)
    throw std::runtime_error("quantized streaming executor: rp_face_stream_begin failed");
  StreamingRun out;
  HeadCollector collector{&out, &kernels_};
  rp_face_stream_set_head_sink(&s, collect_head, &collector);
  const std::size_t step = chunk == 0 ? frame.size() : chunk;
  for (std::size_t at = 0; at < frame.size(); at += step) {
    const std::size_t n = std::min(step, frame.size() - at);
    const rp_status st = rp_face_stream_push(&s, frame.data() + at, std::int32_t(n));
    if (st != RP_OK)
      throw std::runtime_error("quantized streaming executor: push failed (status " +
                               std::to_string(st) + ")");
  }
  out.detections.resize(max_detections);
  std::int32_t count = 0;
  const rp_status st =
      rp_face_stream_finish(&s, out.detections.data(), std::int32_t(max_detections), &count);
  if (st != RP_OK)
    throw std::runtime_error("quantized streaming executor: finish failed (status " +
                             std::to_string(st) + ")");
  out.detections.resize(std::size_t(count));
  std::copy(std::begin(s.crc), std::end(s.crc), out.crc.begin());
  std::copy(std::begin(s.bytes), std::end(s.bytes), out.bytes.begin());
  out.arena_bytes = std::size_t(l.arena_bytes);
  // Highest word no longer holding the paint, as the firmware measures it.
  std::size_t top = arena.size();
  while (top > 0 && arena[top - 1] == kPaint)
    --top;
  out.arena_high_water = top * 4;
  return out;
}

} // namespace rnnpool::quant
