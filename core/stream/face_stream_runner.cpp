// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/stream/face_stream_runner.h"

#include "core/ops/ops.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace rnnpool::stream_detail {
namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::size_t round4(std::size_t bytes) {
  return (bytes + 3) / 4 * 4;
}

StreamBuffer make_buffer(std::string name, StreamBufferKind kind, std::string what,
                         std::size_t elements, StreamElement i8_element) {
  StreamBuffer b;
  b.name = std::move(name);
  b.kind = kind;
  b.what = std::move(what);
  b.elements = elements;
  b.i8_element = i8_element;
  b.f32_bytes = elements * 4;
  b.i8_bytes = round4(elements * stream_element_bytes(i8_element));
  b.first_step = b.last_step = -1;
  return b;
}

// Pixels a raster ring needs for a 3x3 window filled one pixel ahead: from (y-1, x-1) to
// (y+1, x+1) inclusive.
std::size_t window_ring_pixels(int width) {
  return 2 * std::size_t(width) + 3;
}

const Conv2dParams *conv_params(const Graph &g, const std::string &name) {
  const Layer *l = g.find(name);
  const auto *p = l ? std::get_if<Conv2dParams>(&l->params) : nullptr;
  if (!p) throw std::invalid_argument("streaming executor: no conv layer '" + name + "'");
  if (p->weight.empty() || p->bias.size() != std::size_t(p->out_channels))
    throw std::invalid_argument("streaming executor: layer '" + name +
                                "' has no weights or no bias (load a model first)");
  return p;
}

void relu6(float *v, int n) {
  for (int i = 0; i < n; ++i)
    v[i] = std::min(std::max(v[i], 0.0f), 6.0f);
}

} // namespace

std::vector<StreamBuffer> stream_buffers(const FaceStreamGeometry &geo, int candidate_capacity) {
  using K = StreamBufferKind;
  using E = StreamElement;
  std::vector<StreamBuffer> b(BufferCount);
  const Shape &in = geo.input, &conv = geo.conv, &pad = geo.padded;
  b[InputRows] =
      make_buffer("input.rows", K::Input, "3 input rows the 3x3/2 conv reads, slot row%3",
                  3 * std::size_t(in.w) * in.c, E::I8);
  b[ConvBand] =
      make_buffer("conv.band", K::Band,
                  std::to_string(geo.patch) + " conv rows one patch row reads, slot row%" +
                      std::to_string(geo.patch),
                  std::size_t(geo.patch) * conv.w * conv.c, E::I8);
  // Patch rows overlap by patch - stride conv rows: the last row summaries of every patch are
  // kept for the next patch row (which starts with them) instead of being recomputed.
  const std::size_t kept_rows = std::size_t(std::max(geo.patch - geo.stride, 0)) * geo.pool.w;
  b[PoolSummaries] = make_buffer("rnn_model.summaries", K::State,
                                 "RNN1 row and column summaries of one patch + the last " +
                                     std::to_string(std::max(geo.patch - geo.stride, 0)) +
                                     " row summaries of each patch of the previous patch row",
                                 (2 * std::size_t(geo.patch) + kept_rows) * geo.h1, E::I16);
  b[PoolRnn2State] =
      make_buffer("rnn_model.rnn2_state", K::State, "RNN2 forward and backward states of one patch",
                  2 * std::size_t(geo.h2), E::I16);
  b[PadRow] =
      make_buffer("rnn_pad.row", K::Row,
                  "one RNNPool output row, right column replicated; kept for the bottom pad",
                  std::size_t(pad.w) * pad.c, E::I8);
  for (int k = 0; k < 4; ++k) {
    const auto &blk = geo.blocks[k];
    b[Expand0 + k] = make_buffer(blk.name + ".expand.ring", K::Ring,
                                 "2W+3 expanded pixels: the depthwise 3x3 window, filled one ahead",
                                 window_ring_pixels(blk.in.w) * blk.hidden, E::I8);
  }
  const auto &b0 = geo.blocks[0], &b2 = geo.blocks[2];
  b[Rows01] = make_buffer("mob.0-1.rows", K::Row,
                          "2 rows of mob.0 output, turned into mob.1 output in place (residual)",
                          2 * std::size_t(b0.out.w) * b0.out.c, E::I8);
  b[Rows23] = make_buffer("mob.2-3.rows", K::Row,
                          "2 rows of mob.2 output, turned into mob.3 output in place (residual)",
                          2 * std::size_t(b2.out.w) * b2.out.c, E::I8);
  for (int k = 0; k < 4; ++k)
    b[Window0 + k] = make_buffer("head." + std::to_string(k) + ".window", K::Ring,
                                 k < 3 ? "2W+3 L2-normalised source pixels: the heads' 3x3 window"
                                       : "2W+3 source pixels: the heads' 3x3 window",
                                 window_ring_pixels(geo.head_in[k].w) * geo.head_in[k].c, E::I8);
  b[CandidateList] = make_buffer(
      "detect.candidates", K::Candidates,
      std::to_string(candidate_capacity) + " best decoded boxes (score, box, prior) for NMS",
      std::size_t(std::max(candidate_capacity, 0)) * kCandidateFloats, E::I16);
  // One scratch shared by the kernels (never two at once): depthwise pixel + projection
  // accumulators, head pixel accumulators, FastGRNN gate pre-activations.
  std::size_t f32 = 2 * std::size_t(std::max(geo.h1, geo.h2)), i8 = f32 * 4;
  for (const auto &blk : geo.blocks) {
    f32 = std::max<std::size_t>(f32, blk.hidden + blk.out.c);
    i8 = std::max<std::size_t>(i8, blk.hidden * 1 + blk.out.c * 4);
  }
  for (int k = 0; k < 4; ++k) {
    const std::size_t n = geo.loc_channels + geo.conf_channels[k];
    f32 = std::max(f32, n);
    i8 = std::max(i8, n * 4);
  }
  b[SharedScratch] = make_buffer("kernel.scratch", K::Scratch,
                                 "shared by one kernel at a time: depthwise pixel + projection "
                                 "(int32), head pixel (int32), FastGRNN gates (int32)",
                                 f32, E::I8);
  b[SharedScratch].i8_bytes = round4(i8);
  return b;
}

FaceStreamWeights face_stream_weights(const Graph &g) {
  FaceStreamWeights w;
  w.conv = conv_params(g, "conv");
  const Layer *pool = g.find("rnn_model");
  w.pool = pool ? std::get_if<RNNPoolParams>(&pool->params) : nullptr;
  if (!w.pool || w.pool->rnn1.W.empty() || w.pool->rnn2.W.empty())
    throw std::invalid_argument("streaming executor: layer 'rnn_model' has no RNNPool weights");
  for (int b = 0; b < 4; ++b) {
    const std::string name = "mob." + std::to_string(b);
    w.expand[b] = conv_params(g, name + ".expand");
    w.dw[b] = conv_params(g, name + ".dw");
    w.project[b] = conv_params(g, name + ".project");
    const int C = w.dw[b]->out_channels;
    if (w.dw[b]->weight.size() != std::size_t(C) * 9)
      throw std::invalid_argument("streaming executor: layer '" + name +
                                  ".dw' weights are not 3x3 depthwise");
    w.dw_taps[b].resize(std::size_t(C) * 9);
    for (int c = 0; c < C; ++c)
      for (int t = 0; t < 9; ++t)
        w.dw_taps[b][std::size_t(t) * C + c] = w.dw[b]->weight[std::size_t(c) * 9 + t];
  }
  const char *norms[3] = {"L2Norm3_3", "L2Norm4_3", "L2Norm5_3"};
  for (int k = 0; k < 3; ++k) {
    const Layer *l = g.find(norms[k]);
    w.norm[k] = l ? std::get_if<L2NormParams>(&l->params) : nullptr;
    if (!w.norm[k] || w.norm[k]->scale.empty())
      throw std::invalid_argument(std::string("streaming executor: layer '") + norms[k] +
                                  "' has no scale");
  }
  for (int k = 0; k < 4; ++k) {
    w.loc[k] = conv_params(g, "loc." + std::to_string(k));
    w.conf[k] = conv_params(g, "conf." + std::to_string(k));
  }
  return w;
}

FaceStreamRunner::FaceStreamRunner(const FaceStreamGeometry &geo,
                                   std::vector<StreamBuffer> &buffers,
                                   std::vector<std::string> &steps)
    : geo_(geo), record_(&buffers), record_steps_(&steps) {
  for (auto &b : buffers)
    b.first_step = b.last_step = -1;
  steps.clear();
}

FaceStreamRunner::FaceStreamRunner(const FaceStreamGeometry &geo, const FaceStreamWeights &weights,
                                   const std::vector<StreamBuffer> &buffers,
                                   const std::vector<std::string> &steps, float *arena,
                                   std::size_t arena_floats,
                                   const std::vector<std::size_t> &offsets, bool poison,
                                   HeadSink sink, const CandidateDecoder &decoder)
    : geo_(geo), w_(&weights), plan_(&buffers), plan_steps_(&steps), arena_(arena),
      arena_floats_(arena_floats), offsets_(offsets), poison_(poison), sink_(std::move(sink)),
      decoder_(&decoder) {}

void FaceStreamRunner::begin_step(const std::string &name) {
  ++step_;
  if (record_steps_) {
    record_steps_->push_back(name);
    return;
  }
  if (step_ >= int(plan_steps_->size()) || (*plan_steps_)[step_] != name)
    throw std::logic_error("streaming: step " + std::to_string(step_) + " is '" + name +
                           "', the schedule differs");
  if (!poison_) return;
  // NaN wherever no live buffer is: reading a buffer the schedule calls dead then shows.
  std::vector<std::pair<std::size_t, std::size_t>> live;
  for (std::size_t i = 0; i < plan_->size(); ++i)
    if ((*plan_)[i].live_at(step_))
      live.push_back({offsets_[i], offsets_[i] + (*plan_)[i].f32_bytes / 4});
  std::sort(live.begin(), live.end());
  std::size_t at = 0;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const auto &[begin, end] : live) {
    if (begin > at) std::fill(arena_ + at, arena_ + begin, nan);
    at = std::max(at, end);
  }
  std::fill(arena_ + at, arena_ + arena_floats_, nan);
}

float *FaceStreamRunner::buf(int id) {
  if (record_) {
    StreamBuffer &b = (*record_)[id];
    if (b.first_step < 0) b.first_step = step_;
    b.last_step = step_;
    return nullptr;
  }
  const StreamBuffer &b = (*plan_)[id];
  if (!b.live_at(step_))
    throw std::logic_error("streaming: buffer '" + b.name + "' used at step " +
                           std::to_string(step_) + " outside its lifetime");
  high_water_ = std::max(high_water_, offsets_[id] + b.f32_bytes / 4);
  return arena_ + offsets_[id];
}

float *FaceStreamRunner::ring_px(int id, int width, int channels, int y, int x) {
  float *p = buf(id);
  if (!p) return nullptr;
  const long capacity = long(window_ring_pixels(width));
  return p + ((long(y) * width + x) % capacity) * channels;
}

void FaceStreamRunner::run(const Tensor *input) {
  input_ = input;
  if (compute() && (!input || !(input->shape() == geo_.input)))
    throw std::invalid_argument("streaming executor: input is " +
                                (input ? input->shape().to_string() : std::string("missing")) +
                                ", the schedule is for " + geo_.input.to_string());
  for (int i = 0; i < geo_.pool.h; ++i)
    pool_row(i);
  for (int t = geo_.pool.h; t < geo_.padded.h; ++t) { // bottom pad: the row buffer is kept
    begin_step("rnn_pad row " + std::to_string(t));
    buf(PadRow);
    pad_row_ = t;
    mob_row_arrived(0, t);
  }
  mob_finish(0);
  if (record_) (*record_)[CandidateList].last_step = int(record_steps_->size()) - 1; // the result
}

std::vector<Candidate> FaceStreamRunner::candidates() const {
  if (!compute()) return {};
  return sorted_candidates(arena_ + offsets_[CandidateList], candidate_count_);
}

void FaceStreamRunner::load_input_row(int r) {
  float *rows = buf(InputRows);
  if (!compute()) return;
  const std::size_t n = std::size_t(geo_.input.w) * geo_.input.c;
  std::copy_n(input_->pixel(r, 0), n, rows + std::size_t(r % 3) * n);
}

void FaceStreamRunner::conv_row(int y) {
  const int H = geo_.input.h, W = geo_.input.w, Ci = geo_.input.c;
  const int need = std::min(2 * y + 1, H - 1); // 3x3, stride 2, pad 1
  while (input_rows_loaded_ <= need)
    load_input_row(input_rows_loaded_++);
  const float *rows = buf(InputRows);
  float *band = buf(ConvBand);
  if (!compute()) return;
  const Conv2dParams &p = *w_->conv;
  const int Wo = geo_.conv.w, Co = geo_.conv.c;
  float *out = band + std::size_t(y % geo_.patch) * Wo * Co;
  for (int ox = 0; ox < Wo; ++ox)
    for (int oc = 0; oc < Co; ++oc) {
      float acc = 0;
      for (int ky = 0; ky < 3; ++ky) {
        const int iy = 2 * y - 1 + ky;
        if (iy < 0 || iy >= H) continue;
        for (int kx = 0; kx < 3; ++kx) {
          const int ix = 2 * ox - 1 + kx;
          if (ix < 0 || ix >= W) continue;
          const float *px = rows + (std::size_t(iy % 3) * W + ix) * Ci;
          const float *wt = p.weight.data() + ((std::size_t(oc) * 3 + ky) * 3 + kx) * Ci;
          for (int ci = 0; ci < Ci; ++ci)
            acc += wt[ci] * px[ci];
        }
      }
      out[std::size_t(ox) * Co + oc] = acc + p.bias[oc];
    }
  relu6(out, Wo * Co);
}

void FaceStreamRunner::rnnpool_patch_at(int i, int j, float *out) {
  const float *band = buf(ConvBand);
  float *summaries = buf(PoolSummaries);
  float *state = buf(PoolRnn2State);
  float *gates = buf(SharedScratch);
  if (!compute()) return;
  const RNNPoolParams &p = *w_->pool;
  const int P = geo_.patch, S = geo_.stride, h1 = geo_.h1, h2 = geo_.h2, C = geo_.conv.c;
  auto px = [&](int r, int c) {
    return band + (std::size_t((i * S + r) % P) * geo_.conv.w + std::size_t(j * S + c)) * C;
  };
  // The steps of rnnpool_patch (spec section 1), reading band rows through the ring.
  auto bidirectional = [&](const float *summary, float *dst) {
    std::fill(state, state + 2 * h2, 0.0f);
    for (int t = 0; t < P; ++t)
      fastgrnn_step(p.rnn2, summary + t * h1, state, gates);
    for (int t = P - 1; t >= 0; --t)
      fastgrnn_step(p.rnn2, summary + t * h1, state + h2, gates);
    std::copy_n(state, 2 * h2, dst);
  };
  std::fill(summaries, summaries + 2 * P * h1, 0.0f);
  float *rows = summaries, *cols = summaries + P * h1;
  // Rows 0..P-S-1 of patch (i, j) are rows S..P-1 of patch (i-1, j): kept, not recomputed.
  const int kept = std::max(P - S, 0), reused = i > 0 ? kept : 0;
  float *kept_rows = summaries + std::size_t(2 * P + j * kept) * h1;
  std::copy_n(kept_rows, std::size_t(reused) * h1, rows);
  for (int r = reused; r < P; ++r)
    for (int c = 0; c < P; ++c)
      fastgrnn_step(p.rnn1, px(r, c), rows + r * h1, gates);
  std::copy_n(rows + std::size_t(S) * h1, std::size_t(kept) * h1, kept_rows);
  bidirectional(rows, out);
  for (int c = 0; c < P; ++c)
    for (int r = 0; r < P; ++r)
      fastgrnn_step(p.rnn1, px(r, c), cols + c * h1, gates);
  bidirectional(cols, out + 2 * h2);
}

void FaceStreamRunner::pool_row(int i) {
  begin_step("rnn_model row " + std::to_string(i));
  while (conv_rows_done_ < i * geo_.stride + geo_.patch)
    conv_row(conv_rows_done_++);
  const int C = geo_.padded.c;
  for (int j = 0; j < geo_.pool.w; ++j) {
    float *row = buf(PadRow);
    rnnpool_patch_at(i, j, row ? row + std::size_t(j) * C : nullptr);
  }
  float *row = buf(PadRow);
  if (compute())
    for (int x = geo_.pool.w; x < geo_.padded.w; ++x) // replicate the right column
      std::copy_n(row + std::size_t(geo_.pool.w - 1) * C, C, row + std::size_t(x) * C);
  pad_row_ = i;
  mob_row_arrived(0, i);
}

// --- MBConv blocks -------------------------------------------------------------------------

const float *FaceStreamRunner::mob_source_px(int b, int y, int x) {
  const auto &blk = geo_.blocks[b];
  if (b == 0) {
    if (y != pad_row_) throw std::logic_error("streaming: mob.0 reads a padded row not resident");
    float *row = buf(PadRow);
    return row ? row + std::size_t(x) * blk.in.c : nullptr;
  }
  float *rows = buf(b == 3 ? Rows23 : Rows01);
  return rows ? rows + (std::size_t(y % 2) * blk.in.w + x) * blk.in.c : nullptr;
}

float *FaceStreamRunner::mob_out_px(int b, int o, int x) {
  const auto &blk = geo_.blocks[b];
  float *rows = buf(b < 2 ? Rows01 : Rows23);
  return rows ? rows + (std::size_t(o % 2) * blk.out.w + x) * blk.out.c : nullptr;
}

void FaceStreamRunner::mob_fill(int b, int y, int x_last) {
  const auto &blk = geo_.blocks[b];
  const long W = blk.in.w, target = long(y) * W + x_last;
  for (; mob_filled_[b] <= target; ++mob_filled_[b]) {
    const int yy = int(mob_filled_[b] / W), xx = int(mob_filled_[b] % W);
    const float *src = mob_source_px(b, yy, xx);
    float *dst = ring_px(Expand0 + b, blk.in.w, blk.hidden, yy, xx);
    if (!compute()) continue;
    const Conv2dParams &e = *w_->expand[b];
    Eigen::Map<Eigen::VectorXf> out(dst, blk.hidden);
    const Eigen::Map<const RowMat> weight(e.weight.data(), blk.hidden, blk.in.c);
    if (!e.input_centre.empty()) { // centred, as conv2d does for this conv
      out.noalias() = weight * (Eigen::Map<const Eigen::VectorXf>(src, blk.in.c) -
                                Eigen::Map<const Eigen::VectorXf>(e.input_centre.data(), blk.in.c));
      out += Eigen::Map<const Eigen::VectorXf>(e.centred_bias.data(), blk.hidden);
    } else {
      out.noalias() = weight * Eigen::Map<const Eigen::VectorXf>(src, blk.in.c);
      out += Eigen::Map<const Eigen::VectorXf>(e.bias.data(), blk.hidden);
    }
    relu6(dst, blk.hidden);
  }
}

void FaceStreamRunner::mob_out_row(int b, int o, int fill_row) {
  const auto &blk = geo_.blocks[b];
  const int s = blk.stride, H = blk.in.h, W = blk.in.w, C = blk.hidden, Co = blk.out.c;
  for (int x = 0; x < blk.out.w; ++x) {
    if (fill_row >= 0) mob_fill(b, fill_row, std::min(x * s + 1, W - 1));
    float *dw = buf(SharedScratch);
    float *proj = dw ? dw + C : nullptr;
    Eigen::Map<Eigen::ArrayXf> acc(dw, compute() ? C : 0);
    if (compute()) acc.setZero();
    for (int ky = 0; ky < 3; ++ky) {
      const int iy = o * s - 1 + ky;
      if (iy < 0 || iy >= H) continue;
      for (int kx = 0; kx < 3; ++kx) {
        const int ix = x * s - 1 + kx;
        if (ix < 0 || ix >= W) continue;
        const float *e = ring_px(Expand0 + b, W, C, iy, ix);
        if (compute())
          acc += Eigen::Map<const Eigen::ArrayXf>(e, C) *
                 Eigen::Map<const Eigen::ArrayXf>(w_->dw_taps[b].data() + (ky * 3 + kx) * C, C);
      }
    }
    float *out = mob_out_px(b, o, x);
    if (!compute()) continue;
    acc += Eigen::Map<const Eigen::ArrayXf>(w_->dw[b]->bias.data(), C);
    relu6(dw, C);
    const Conv2dParams &p = *w_->project[b];
    float *dst = blk.residual ? proj : out;
    Eigen::Map<Eigen::VectorXf> y(dst, Co);
    y.noalias() =
        Eigen::Map<const RowMat>(p.weight.data(), Co, C) * Eigen::Map<const Eigen::VectorXf>(dw, C);
    y += Eigen::Map<const Eigen::VectorXf>(p.bias.data(), Co);
    if (blk.residual) // in place: `out` holds the block input pixel of row o
      for (int c = 0; c < Co; ++c)
        out[c] = out[c] + proj[c];
  }
  ++mob_rows_out_[b];
  if (fill_row >= 0) mob_fill(b, fill_row, W - 1);
  announce_block_row(b, o);
}

void FaceStreamRunner::mob_row_arrived(int b, int y) {
  const auto &blk = geo_.blocks[b];
  const std::string name = blk.name;
  mob_rows_in_[b] = y + 1;
  // Output row o needs input rows up to o*s+1; those with o*s+1 == y are due now.
  bool produced = false;
  while (mob_rows_out_[b] < blk.out.h && mob_rows_out_[b] * blk.stride + 1 <= y) {
    begin_step(name + " row " + std::to_string(mob_rows_out_[b]));
    mob_out_row(b, mob_rows_out_[b], y);
    produced = true;
  }
  if (!produced) {
    begin_step(name + ".expand row " + std::to_string(y));
    mob_fill(b, y, blk.in.w - 1);
  }
}

void FaceStreamRunner::mob_finish(int b) {
  const auto &blk = geo_.blocks[b];
  while (mob_rows_out_[b] < blk.out.h) { // rows whose window reaches the zero bottom padding
    begin_step(blk.name + " row " + std::to_string(mob_rows_out_[b]));
    mob_out_row(b, mob_rows_out_[b], -1);
  }
  head_finish(b);
  if (b < 3)
    mob_finish(b + 1);
  else
    head_finish(3);
}

void FaceStreamRunner::announce_block_row(int b, int o) {
  head_row_arrived(b, o);
  if (b < 3) mob_row_arrived(b + 1, o);
}

// --- heads --------------------------------------------------------------------------------

const float *FaceStreamRunner::head_source_px(int k, int y, int x) {
  const Shape &s = geo_.head_in[k];
  float *rows = buf(k < 2 ? Rows01 : Rows23);
  return rows ? rows + (std::size_t(y % 2) * s.w + x) * s.c : nullptr;
}

void FaceStreamRunner::head_fill(int k, int y, int x_last) {
  const Shape &s = geo_.head_in[k];
  const long W = s.w, target = long(y) * W + x_last;
  for (; head_filled_[k] <= target; ++head_filled_[k]) {
    const int yy = int(head_filled_[k] / W), xx = int(head_filled_[k] % W);
    const float *src = head_source_px(k, yy, xx);
    float *dst = ring_px(Window0 + k, s.w, s.c, yy, xx);
    if (!compute()) continue;
    if (k == 3) {
      std::copy_n(src, s.c, dst);
      continue;
    }
    // l2norm's arithmetic, per pixel.
    const Eigen::Map<const Eigen::ArrayXf> in(src, s.c);
    const float norm = std::sqrt(in.square().sum()) + 1e-10f;
    Eigen::Map<Eigen::ArrayXf>(dst, s.c) =
        in / norm * Eigen::Map<const Eigen::ArrayXf>(w_->norm[k]->scale.data(), s.c);
  }
}

void FaceStreamRunner::head_out_row(int k, int o, int fill_row) {
  const Shape &s = geo_.head_in[k];
  const int W = s.w, H = s.h, C = s.c, nl = geo_.loc_channels, nc = geo_.conf_channels[k];
  for (int x = 0; x < W; ++x) {
    if (fill_row >= 0) head_fill(k, fill_row, std::min(x + 1, W - 1));
    const float *taps[9] = {};
    for (int ky = 0; ky < 3; ++ky)
      for (int kx = 0; kx < 3; ++kx) {
        const int iy = o - 1 + ky, ix = x - 1 + kx;
        if (iy >= 0 && iy < H && ix >= 0 && ix < W)
          taps[ky * 3 + kx] = ring_px(Window0 + k, W, C, iy, ix);
      }
    float *px = buf(SharedScratch);
    float *list = buf(CandidateList);
    if (!compute()) continue;
    auto conv = [&](const Conv2dParams &p, float *dst) {
      for (int oc = 0; oc < p.out_channels; ++oc) {
        float acc = 0;
        for (int t = 0; t < 9; ++t) {
          if (!taps[t]) continue;
          const float *wt = p.weight.data() + (std::size_t(oc) * 9 + t) * C;
          for (int ci = 0; ci < C; ++ci)
            acc += wt[ci] * taps[t][ci];
        }
        dst[oc] = acc + p.bias[oc];
      }
    };
    conv(*w_->loc[k], px);
    conv(*w_->conf[k], px + nl);
    if (sink_) sink_(k, o, x, px, px + nl);
    float candidate[kCandidateFloats];
    if (decoder_->decode(k, o, x, px, px + nl, nc, candidate))
      insert_candidate(list, decoder_->capacity, candidate_count_, candidate);
  }
  ++head_rows_out_[k];
  if (fill_row >= 0) head_fill(k, fill_row, W - 1);
}

void FaceStreamRunner::head_row_arrived(int k, int y) {
  head_rows_in_[k] = y + 1;
  const std::string name = "head." + std::to_string(k);
  if (head_rows_out_[k] + 1 <= y) {
    begin_step(name + " row " + std::to_string(head_rows_out_[k]));
    head_out_row(k, head_rows_out_[k], y);
  } else {
    begin_step(name + ".window row " + std::to_string(y));
    head_fill(k, y, geo_.head_in[k].w - 1);
  }
}

void FaceStreamRunner::head_finish(int k) {
  while (head_rows_out_[k] < geo_.head_in[k].h) {
    begin_step("head." + std::to_string(k) + " row " + std::to_string(head_rows_out_[k]));
    head_out_row(k, head_rows_out_[k], -1);
  }
}

} // namespace rnnpool::stream_detail
