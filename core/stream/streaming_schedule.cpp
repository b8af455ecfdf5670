// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/stream/streaming_schedule.h"

#include "core/model/shape_inference.h"
#include "core/stream/face_stream_runner.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace rnnpool {
namespace {

[[noreturn]] void fail(const std::string &what) {
  throw std::invalid_argument("streaming schedule: " + what);
}

const Layer &need(const Graph &g, const std::string &name, OpKind op,
                  const std::vector<std::string> &inputs) {
  const Layer *l = g.find(name);
  if (!l) fail("graph has no layer '" + name + "' (face-model layers expected)");
  if (l->op != op) fail("layer '" + name + "' is " + op_name(l->op) + ", expected " + op_name(op));
  if (l->inputs != inputs) fail("layer '" + name + "' does not read " + inputs.front());
  return *l;
}

const Conv2dParams &need_conv(const Graph &g, const std::string &name, const std::string &input,
                              int kernel, int pad, bool depthwise) {
  const auto &p = std::get<Conv2dParams>(need(g, name, OpKind::Conv2d, {input}).params);
  if (p.kernel != kernel || p.pad != pad || (depthwise != (p.groups > 1)))
    fail("layer '" + name + "' is not a " + std::to_string(kernel) + "x" + std::to_string(kernel) +
         (depthwise ? " depthwise" : "") + " conv with pad " + std::to_string(pad));
  return p;
}

} // namespace

const char *stream_buffer_kind_name(StreamBufferKind kind) {
  switch (kind) {
  case StreamBufferKind::Input: return "input";
  case StreamBufferKind::Band: return "band";
  case StreamBufferKind::Ring: return "ring";
  case StreamBufferKind::State: return "state";
  case StreamBufferKind::Scratch: return "scratch";
  case StreamBufferKind::Row: return "row";
  case StreamBufferKind::Candidates: return "candidates";
  }
  return "?";
}

const char *stream_element_name(StreamElement e) {
  switch (e) {
  case StreamElement::F32: return "f32";
  case StreamElement::I8: return "i8";
  case StreamElement::I16: return "i16";
  case StreamElement::I32: return "i32";
  }
  return "?";
}

std::size_t stream_element_bytes(StreamElement e) {
  switch (e) {
  case StreamElement::F32:
  case StreamElement::I32: return 4;
  case StreamElement::I16: return 2;
  case StreamElement::I8: return 1;
  }
  return 0;
}

FaceStreamGeometry face_stream_geometry(const Graph &g) {
  const auto shapes = infer_shapes(g);
  FaceStreamGeometry geo;
  geo.input = g.input_shape;
  const Conv2dParams &conv = need_conv(g, "conv", g.input_name, 3, 1, false);
  if (conv.stride != 2)
    fail("layer 'conv' has stride " + std::to_string(conv.stride) + ", expected 2");
  geo.conv = shapes.at("conv");
  const auto &pool =
      std::get<RNNPoolParams>(need(g, "rnn_model", OpKind::RNNPool, {"conv"}).params);
  if (pool.stride > pool.patch) fail("layer 'rnn_model' has a stride larger than its patch");
  geo.patch = pool.patch;
  geo.stride = pool.stride;
  geo.h1 = pool.rnn1.hidden_size;
  geo.h2 = pool.rnn2.hidden_size;
  geo.pool = shapes.at("rnn_model");
  need(g, "rnn_pad", OpKind::ReplicatePad, {"rnn_model"});
  geo.padded = shapes.at("rnn_pad");

  // mob.0 and mob.2 change channels (no residual), mob.1 and mob.3 add: the row buffers shared
  // in place (mob.0-1.rows, mob.2-3.rows) rely on exactly this.
  const char *inputs[4] = {"rnn_pad", "mob.0.project", "mob.1.add", "mob.2.project"};
  for (int b = 0; b < 4; ++b) {
    auto &blk = geo.blocks[b];
    blk.name = "mob." + std::to_string(b);
    const auto &expand = need_conv(g, blk.name + ".expand", inputs[b], 1, 0, false);
    const auto &dw = need_conv(g, blk.name + ".dw", blk.name + ".expand", 3, 1, true);
    need_conv(g, blk.name + ".project", blk.name + ".dw", 1, 0, false);
    if (dw.stride != 1 && dw.stride != 2)
      fail("layer '" + blk.name + ".dw' has stride " + std::to_string(dw.stride));
    blk.in = shapes.at(inputs[b]);
    blk.hidden = expand.out_channels;
    blk.stride = dw.stride;
    blk.residual = (b % 2 == 1);
    if (blk.residual)
      need(g, blk.name + ".add", OpKind::Add, {inputs[b], blk.name + ".project"});
    else if (g.find(blk.name + ".add"))
      fail("layer '" + blk.name + ".add' is not expected");
    blk.out = shapes.at(blk.name + (blk.residual ? ".add" : ".project"));
  }
  const char *sources[4] = {"L2Norm3_3", "L2Norm4_3", "L2Norm5_3", "mob.3.add"};
  for (int k = 0; k < 3; ++k)
    need(g, sources[k], OpKind::L2Norm, {inputs[k + 1]});
  for (int k = 0; k < 4; ++k) {
    geo.head_in[k] = shapes.at(sources[k]);
    const auto &loc = need_conv(g, "loc." + std::to_string(k), sources[k], 3, 1, false);
    const auto &conf = need_conv(g, "conf." + std::to_string(k), sources[k], 3, 1, false);
    if (loc.stride != 1 || conf.stride != 1) fail("head " + std::to_string(k) + " has stride != 1");
    geo.loc_channels = loc.out_channels;
    geo.conf_channels[k] = conf.out_channels;
    if (conf.out_channels < 2) fail("layer 'conf." + std::to_string(k) + "' has < 2 channels");
  }
  return geo;
}

const StreamBuffer &StreamingSchedule::buffer(const std::string &name) const {
  for (const auto &b : buffers)
    if (b.name == name) return b;
  throw std::out_of_range("streaming schedule: no buffer '" + name + "'");
}

std::size_t StreamingSchedule::total_bytes(StreamDType dtype) const {
  std::size_t total = 0;
  for (const auto &b : buffers)
    total += b.bytes(dtype);
  return total;
}

std::size_t StreamingSchedule::live_bytes(int step, StreamDType dtype) const {
  std::size_t total = 0;
  for (const auto &b : buffers)
    if (b.live_at(step)) total += b.bytes(dtype);
  return total;
}

std::size_t StreamingSchedule::peak_bytes(StreamDType dtype) const {
  return live_bytes(peak_step(dtype), dtype);
}

int StreamingSchedule::peak_step(StreamDType dtype) const {
  int best = 0;
  for (int s = 1; s < int(steps.size()); ++s)
    if (live_bytes(s, dtype) > live_bytes(best, dtype)) best = s;
  return best;
}

StreamingSchedule make_streaming_schedule(const Graph &graph, int candidate_capacity) {
  if (candidate_capacity < 1)
    throw std::invalid_argument("streaming schedule: candidate capacity must be at least 1");
  StreamingSchedule s;
  s.architecture = graph.architecture;
  s.geometry = face_stream_geometry(graph);
  s.candidate_capacity = candidate_capacity;
  s.buffers = stream_detail::stream_buffers(s.geometry, candidate_capacity);
  stream_detail::FaceStreamRunner dry(s.geometry, s.buffers, s.steps);
  dry.run(nullptr);
  for (const auto &b : s.buffers)
    if (b.first_step < 0)
      throw std::logic_error("streaming schedule: buffer '" + b.name + "' unused");
  return s;
}

StreamPlacement place_stream_buffers(const StreamingSchedule &schedule, StreamDType dtype,
                                     std::size_t align) {
  const auto &bufs = schedule.buffers;
  std::vector<std::size_t> order(bufs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return bufs[a].bytes(dtype) > bufs[b].bytes(dtype);
  });
  StreamPlacement out;
  out.offsets.assign(bufs.size(), 0);
  std::vector<std::size_t> placed;
  for (std::size_t i : order) {
    // Candidate offsets: 0 and the end of every placed buffer sharing a step with this one.
    std::vector<std::pair<std::size_t, std::size_t>> busy;
    for (std::size_t j : placed)
      if (bufs[i].first_step <= bufs[j].last_step && bufs[j].first_step <= bufs[i].last_step)
        busy.push_back({out.offsets[j], out.offsets[j] + bufs[j].bytes(dtype)});
    std::sort(busy.begin(), busy.end());
    std::size_t at = 0;
    for (const auto &[begin, end] : busy) {
      if (at + bufs[i].bytes(dtype) <= begin) break;
      at = std::max(at, (end + align - 1) / align * align);
    }
    out.offsets[i] = at;
    out.arena_bytes = std::max(out.arena_bytes, at + bufs[i].bytes(dtype));
    placed.push_back(i);
  }
  return out;
}

} // namespace rnnpool
