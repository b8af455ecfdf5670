// SPDX-License-Identifier: GPL-3.0-or-later
// The streaming strategy: the streaming schedule's inventory (sizes and exact lifetimes from a dry
// run of the streaming executor's loop) as planner buffers.
#include "core/plan/strategy_liveness.h"
#include "core/stream/streaming_schedule.h"

namespace rnnpool {

Liveness streaming_liveness(const Graph &graph, PlanDType dtype) {
  const StreamingSchedule schedule = make_streaming_schedule(graph);
  const StreamDType dt = dtype == PlanDType::F32 ? StreamDType::F32 : StreamDType::I8;
  Liveness live;
  live.steps = schedule.steps;
  for (const StreamBuffer &b : schedule.buffers) {
    BufferLifetime l;
    l.name = b.name;
    // Rows, rings, bands and the candidate list carry values across steps: state.
    l.kind = b.kind == StreamBufferKind::Scratch ? BufferKind::Scratch : BufferKind::State;
    l.bytes = b.bytes(dt);
    l.first_step = b.first_step;
    l.last_step = b.last_step;
    live.buffers.push_back(l);
  }
  return live;
}

} // namespace rnnpool
