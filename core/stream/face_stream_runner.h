// SPDX-License-Identifier: GPL-3.0-or-later
// The row-streaming loop of RNNPool-Face-M4, shared by the schedule (a dry run that only records
// which buffer each step touches) and the executor (the same loop doing the float arithmetic in
// arena buffers). One code path for both is what makes the recorded lifetimes exact.
//
// Data flow, row by row (push: a producer hands each finished row to its consumers at once):
//   input rows -> conv band (P rows) -> RNNPool patch row -> padded row R
//   R -> mob.0 -> rows01 (mob.0 out, turned into mob.1 out in place by the residual add)
//   rows01 -> head 0 (mob.0 out, L2Norm), mob.1;  mob.1 out -> head 1 (L2Norm), mob.2
//   mob.2 -> rows23 (mob.2 out, turned into mob.3 out in place) -> head 2 (L2Norm), mob.3 -> head 3
// Each MBConv and head keeps a raster ring of 2W+3 pixels of its 3x3 window's input (expanded
// pixels, normalised pixels), filled one pixel ahead of the window as the output row advances.
#pragma once

#include "core/model/graph.h"
#include "core/stream/stream_candidates.h"
#include "core/stream/streaming_schedule.h"

#include <functional>
#include <string>
#include <vector>

namespace rnnpool::stream_detail {

enum BufferId : int {
  InputRows,
  ConvBand,
  PoolSummaries,
  PoolRnn2State,
  PadRow,
  Expand0, // Expand0 + b: block b's ring of expanded pixels
  Rows01 = Expand0 + 4,
  Rows23,
  Window0, // Window0 + k: head k's window ring
  CandidateList = Window0 + 4,
  SharedScratch,
  BufferCount
};

// Names, kinds, element counts and sizes of every buffer (lifetimes not yet filled in).
std::vector<StreamBuffer> stream_buffers(const FaceStreamGeometry &geo, int candidate_capacity);

// Weights the executor needs, taken from the graph (pointers into its layers).
struct FaceStreamWeights {
  const Conv2dParams *conv = nullptr;
  const RNNPoolParams *pool = nullptr;
  const Conv2dParams *expand[4] = {}, *dw[4] = {}, *project[4] = {};
  std::vector<float> dw_taps[4]; // [ky][kx][c], vectorised over channels like conv2d's depthwise
  const L2NormParams *norm[3] = {};
  const Conv2dParams *loc[4] = {}, *conf[4] = {};
};
FaceStreamWeights face_stream_weights(const Graph &graph); // throws if a weight is missing

class FaceStreamRunner {
public:
  // Called for every head output pixel with its loc and conf values (the result, not resident).
  using HeadSink = std::function<void(int head, int y, int x, const float *loc, const float *conf)>;

  // Dry run: records the steps and each buffer's first and last step into `buffers`.
  FaceStreamRunner(const FaceStreamGeometry &geo, std::vector<StreamBuffer> &buffers,
                   std::vector<std::string> &steps);

  // Real run over `arena` with buffers at `offsets` (floats); checks every access against the
  // recorded lifetimes and, with poison, fills arena memory no live buffer covers with NaN at
  // the start of every step (so a read of a buffer the schedule calls dead shows in the result).
  FaceStreamRunner(const FaceStreamGeometry &geo, const FaceStreamWeights &weights,
                   const std::vector<StreamBuffer> &buffers, const std::vector<std::string> &steps,
                   float *arena, std::size_t arena_floats, const std::vector<std::size_t> &offsets,
                   bool poison, HeadSink sink, const CandidateDecoder &decoder);

  void run(const Tensor *input); // input may be null in the dry run
  std::vector<Candidate> candidates() const;
  std::size_t high_water_floats() const { return high_water_; }

private:
  void begin_step(const std::string &name);
  float *buf(int id); // records the access; null in the dry run
  bool compute() const { return arena_ != nullptr; }

  void load_input_row(int r);
  void conv_row(int y);
  void pool_row(int i);
  void rnnpool_patch_at(int i, int j, float *out);

  const float *mob_source_px(int b, int y, int x);
  void mob_row_arrived(int b, int y);
  void mob_fill(int b, int y, int x_last);
  void mob_out_row(int b, int o, int fill_row); // fill_row: the arriving input row, or -1
  void mob_finish(int b);
  float *mob_out_px(int b, int o, int x);

  const float *head_source_px(int k, int y, int x);
  void head_row_arrived(int k, int y);
  void head_fill(int k, int y, int x_last);
  void head_out_row(int k, int o, int fill_row);
  void head_finish(int k);

  void announce_block_row(int b, int o);

  float *ring_px(int id, int width, int channels, int y, int x);

  const FaceStreamGeometry &geo_;
  const FaceStreamWeights *w_ = nullptr;
  std::vector<StreamBuffer> *record_ = nullptr;      // dry run
  std::vector<std::string> *record_steps_ = nullptr; // dry run
  const std::vector<StreamBuffer> *plan_ = nullptr;  // real run
  const std::vector<std::string> *plan_steps_ = nullptr;
  float *arena_ = nullptr;
  std::size_t arena_floats_ = 0;
  std::vector<std::size_t> offsets_;
  bool poison_ = false;
  HeadSink sink_;
  const CandidateDecoder *decoder_ = nullptr;
  const Tensor *input_ = nullptr;

  int step_ = -1;
  std::size_t high_water_ = 0;
  int input_rows_loaded_ = 0, conv_rows_done_ = 0, pad_row_ = -1;
  int mob_rows_in_[4] = {}, mob_rows_out_[4] = {};
  long mob_filled_[4] = {}; // next raster index of the block's ring to fill
  int head_rows_in_[4] = {}, head_rows_out_[4] = {};
  long head_filled_[4] = {};
  int candidate_count_ = 0;
};

} // namespace rnnpool::stream_detail
