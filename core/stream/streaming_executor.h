// SPDX-License-Identifier: GPL-3.0-or-later
// Runs the float RNNPool-Face-M4 row by row inside one arena laid out by the streaming schedule
// (core/stream/streaming_schedule.h): no whole intermediate tensor exists. The head outputs are
// the result and are written to whole tensors outside the arena (for comparison and the views);
// the detections come from the bounded candidate list inside the arena.
#pragma once

#include "core/model/graph.h"
#include "core/stream/stream_candidates.h"
#include "core/stream/streaming_schedule.h"

#include <map>
#include <string>
#include <vector>

namespace rnnpool {

class StreamingExecutor {
public:
  // The graph must be an executable face model (weights present); it must outlive the executor.
  // Throws std::invalid_argument otherwise.
  explicit StreamingExecutor(const Graph &graph, int candidate_capacity = 64);

  // Runs one frame. With poison_dead_memory, arena memory no live buffer covers is set to NaN
  // at every step, so any read of a buffer outside its planned lifetime shows in the outputs.
  void run(const Tensor &input, bool poison_dead_memory = false);

  // Head outputs of the last run by name: loc.0, conf.0, ..., conf.3.
  const Tensor &output(const std::string &name) const;
  // The bounded candidate list of the last run, best score first.
  const std::vector<Candidate> &candidates() const { return candidates_; }

  const StreamingSchedule &schedule() const { return schedule_; }
  const CandidateDecoder &decoder() const { return decoder_; }
  std::size_t arena_bytes() const { return placement_.arena_bytes; } // float32 arena
  // Highest arena byte any buffer access reached in the last run.
  std::size_t high_water_bytes() const { return high_water_bytes_; }
  std::size_t buffer_offset(const std::string &name) const; // bytes into the arena

private:
  const Graph &graph_;
  StreamingSchedule schedule_;
  StreamPlacement placement_;
  CandidateDecoder decoder_;
  std::vector<float> arena_;
  std::map<std::string, Tensor> outputs_;
  std::vector<Candidate> candidates_;
  std::size_t high_water_bytes_ = 0;
};

} // namespace rnnpool
