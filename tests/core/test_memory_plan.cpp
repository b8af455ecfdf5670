// SPDX-License-Identifier: GPL-3.0-or-later
// Memory plans: the paper's published peaks, kernel scratch sizes, and a replay of every plan
// (no two buffers live at one step overlap; every tensor is resident from producer to consumers).
#include "core/model/shape_inference.h"
#include "core/model/zoo.h"
#include "core/plan/kernel_scratch.h"
#include "core/plan/memory_plan.h"
#include "core/stream/streaming_schedule.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <set>

using namespace rnnpool;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

const BufferLifetime *find_buffer(const MemoryPlan &plan, const std::string &name) {
  for (const BufferLifetime &b : plan.buffers)
    if (b.name == name) return &b;
  return nullptr;
}

// Checks the plan against its own buffers: arena bounds, step contents, pairwise disjointness.
void replay_placement(const MemoryPlan &plan) {
  std::size_t top = 0;
  for (std::size_t b = 0; b < plan.buffers.size(); ++b)
    top = std::max(top, plan.offsets[b] + plan.buffers[b].bytes);
  EXPECT_LE(top, plan.arena_bytes);
  EXPECT_GE(plan.arena_bytes, plan.peak_bytes);
  for (std::size_t s = 0; s < plan.steps.size(); ++s) {
    const PlanStep &step = plan.steps[s];
    std::set<std::size_t> listed(step.live.begin(), step.live.end());
    std::size_t total = 0;
    for (std::size_t b = 0; b < plan.buffers.size(); ++b) {
      const bool live = plan.buffers[b].live_at(int(s));
      EXPECT_EQ(live, listed.count(b) == 1) << plan.buffers[b].name << " at step " << s;
      if (live) total += plan.buffers[b].bytes;
    }
    EXPECT_EQ(total, step.live_bytes);
    EXPECT_LE(step.live_bytes, plan.peak_bytes);
    for (std::size_t a : step.live)
      for (std::size_t b : step.live) {
        if (a >= b || !plan.buffers[a].bytes || !plan.buffers[b].bytes) continue;
        const bool disjoint = plan.offsets[a] + plan.buffers[a].bytes <= plan.offsets[b] ||
                              plan.offsets[b] + plan.buffers[b].bytes <= plan.offsets[a];
        EXPECT_TRUE(disjoint) << plan.buffers[a].name << " and " << plan.buffers[b].name
                              << " overlap at step " << s;
      }
  }
  EXPECT_EQ(plan.steps[std::size_t(plan.peak_step)].live_bytes, plan.peak_bytes);
}

// Every resident tensor is live at its producer's step and at each consumer's step.
void replay_tensor_lifetimes(const Graph &g, const MemoryPlan &plan, bool all_resident) {
  const auto shapes = infer_shapes(g);
  const std::size_t element = plan.dtype == PlanDType::F32 ? 4 : 1;
  for (int i = 0; i < int(g.layers.size()); ++i) {
    const Layer &layer = g.layers[std::size_t(i)];
    std::vector<std::string> touched = layer.inputs;
    touched.push_back(layer.name);
    for (const std::string &t : touched) {
      const BufferLifetime *b = find_buffer(plan, t);
      if (!b) {
        EXPECT_FALSE(all_resident) << t << " has no buffer";
        continue;
      }
      EXPECT_TRUE(b->live_at(i)) << t << " not live at step " << i << " (" << layer.name << ")";
      EXPECT_EQ(b->bytes, shapes.at(t).elements() * element) << t;
    }
  }
  for (const std::string &out : g.outputs) {
    const BufferLifetime *b = find_buffer(plan, out);
    ASSERT_NE(b, nullptr) << out;
    EXPECT_EQ(b->last_step, int(g.layers.size()) - 1) << out;
  }
}

} // namespace

TEST(MemoryPlan, PaperConventionReproducesMobileNetV2Peak) {
  const MemoryPlan plan = make_memory_plan(make_mobilenetv2(), PlanStrategy::Paper, PlanDType::F32);
  std::printf("mobilenetv2 paper f32: peak %zu B = %.4f MiB at %s\n", plan.peak_bytes,
              plan.peak_bytes / kMiB, plan.steps[std::size_t(plan.peak_step)].layer.c_str());
  EXPECT_NEAR(plan.peak_bytes / kMiB, 2.2969, 0.01 * 2.2969);
  EXPECT_EQ(plan.peak_bytes, 112u * 112u * (32u + 16u) * 4u); // block 1: input + output
  EXPECT_EQ(plan.steps[std::size_t(plan.peak_step)].layer, "features.1.project");
  EXPECT_EQ(find_buffer(plan, "input"), nullptr);             // the input is not counted
  EXPECT_EQ(find_buffer(plan, "features.2.expand"), nullptr); // computed on the fly
  EXPECT_EQ(find_buffer(plan, "features.18"), nullptr);       // 1x1 conv into global pooling
}

TEST(MemoryPlan, PaperConventionReproducesMobileNetV2RNNPoolPeak) {
  const MemoryPlan plan =
      make_memory_plan(make_mobilenetv2_rnnpool(), PlanStrategy::Paper, PlanDType::F32);
  std::printf("mobilenetv2-rnnpool paper f32: peak %zu B = %.4f MiB at %s\n", plan.peak_bytes,
              plan.peak_bytes / kMiB, plan.steps[std::size_t(plan.peak_step)].layer.c_str());
  EXPECT_NEAR(plan.peak_bytes / kMiB, 0.24, 0.03 * 0.24);
  EXPECT_EQ(plan.peak_bytes, (28u * 28u * 64u + 14u * 14u * 64u) * 4u);
  EXPECT_EQ(find_buffer(plan, "features.0"), nullptr); // RNNPool patches computed on the fly
}

TEST(MemoryPlan, FaceM4LayerPlanInt8) {
  const MemoryPlan plan =
      make_memory_plan(make_rnnpool_face_m4(), PlanStrategy::Layer, PlanDType::I8);
  std::printf("rnnpool-face-m4 layer i8: peak %zu B at %s, arena %zu (greedy %zu, search %zu); "
              "reference C buffer 184576 B\n",
              plan.peak_bytes, plan.steps[std::size_t(plan.peak_step)].layer.c_str(),
              plan.arena_bytes, plan.arena_bytes_greedy, plan.arena_bytes_search);
  // mob.0.dw: its 40x30x128 int8 input and output plus the depthwise scratch (128 * 9 int16).
  EXPECT_EQ(plan.steps[std::size_t(plan.peak_step)].layer, "mob.0.dw");
  EXPECT_EQ(plan.peak_bytes, 2u * 153'600u + 128u * 9u * 2u);
  EXPECT_LE(plan.arena_bytes, plan.arena_bytes_greedy);
  EXPECT_EQ(find_buffer(plan, "rnn_model.state")->bytes, 2u * 16u * 2u); // int16 h1 + h2
}

TEST(MemoryPlan, EveryPlanReplaysCleanly) {
  for (const std::string &name : zoo_model_names())
    for (PlanStrategy strategy : {PlanStrategy::Layer, PlanStrategy::Paper})
      for (PlanDType dtype : {PlanDType::F32, PlanDType::I8}) {
        SCOPED_TRACE(name + " " + strategy_name(strategy) + " " + dtype_name(dtype));
        const Graph g = make_zoo_model(name);
        const MemoryPlan plan = make_memory_plan(g, strategy, dtype);
        ASSERT_EQ(plan.steps.size(), g.layers.size());
        replay_placement(plan);
        replay_tensor_lifetimes(g, plan, strategy == PlanStrategy::Layer);
      }
}

TEST(MemoryPlan, FaceM4StreamingPlanUnder80KiB) {
  for (PlanDType dtype : {PlanDType::F32, PlanDType::I8}) {
    SCOPED_TRACE(dtype_name(dtype));
    const MemoryPlan plan =
        make_memory_plan(make_rnnpool_face_m4(), PlanStrategy::Streaming, dtype);
    replay_placement(plan);
    const StreamingSchedule schedule = make_streaming_schedule(make_rnnpool_face_m4());
    ASSERT_EQ(plan.steps.size(), schedule.steps.size());
    EXPECT_EQ(plan.buffers.size(), schedule.buffers.size());
    const StreamDType dt = dtype == PlanDType::I8 ? StreamDType::I8 : StreamDType::F32;
    EXPECT_EQ(plan.peak_bytes, schedule.peak_bytes(dt));
    if (dtype == PlanDType::I8) {
      EXPECT_LE(plan.arena_bytes, 81920u); // issue 3, acceptance 3
    }
  }
}

TEST(MemoryPlan, StreamingNeedsTheFaceModelAndStrategyNamesAreChecked) {
  try {
    make_memory_plan(make_zoo_model("mobilenetv2"), PlanStrategy::Streaming, PlanDType::I8);
    FAIL();
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("streaming"), std::string::npos);
  }
  EXPECT_THROW(parse_strategy("bands"), std::invalid_argument);
  EXPECT_THROW(parse_dtype("f16"), std::invalid_argument);
}

TEST(ArenaPlacement, SearchBeatsGreedyAndReachesTheLowerBound) {
  // Greedy (largest first) puts D at 0 and A beside it, which pushes C above B and E above C:
  // 130 bytes. The optimum (E@0, D and C@10, A and B@60) fits the 100-byte lower bound.
  Liveness live;
  live.steps = {"a", "b", "c"};
  live.buffers = {{"A", BufferKind::Tensor, 40, 0, 0},
                  {"B", BufferKind::Tensor, 40, 1, 2},
                  {"C", BufferKind::Tensor, 30, 0, 1},
                  {"D", BufferKind::Tensor, 50, 2, 2},
                  {"E", BufferKind::Tensor, 10, 0, 2}};
  // Live totals: step 0 = 80, step 1 = 80, step 2 = 100.
  EXPECT_EQ(peak_live_bytes(live), 100u);
  const Placement greedy = place_greedy(live.buffers);
  const SearchResult search = place_search(live.buffers, 100);
  std::printf("greedy %zu, search %zu\n", greedy.arena_bytes, search.placement.arena_bytes);
  EXPECT_EQ(search.placement.arena_bytes, 100u);
  EXPECT_TRUE(search.proven_optimal);
  EXPECT_LE(search.placement.arena_bytes, greedy.arena_bytes);
  const MemoryPlan plan = assemble_plan("toy", "layer", PlanDType::F32, live);
  replay_placement(plan);
}

TEST(ArenaPlacement, FirstFitUsesTheLowestGap) {
  std::vector<BufferLifetime> b = {{"x", BufferKind::Tensor, 10, 0, 1},
                                   {"y", BufferKind::Tensor, 10, 0, 1},
                                   {"z", BufferKind::Tensor, 5, 1, 1},
                                   {"w", BufferKind::Tensor, 8, 2, 2}};
  std::vector<std::size_t> offsets = {0, 15, 0, 0};
  std::vector<bool> placed = {true, true, false, false};
  EXPECT_EQ(first_fit_offset(b, offsets, placed, 2), 10u); // the 5-byte gap between x and y
  EXPECT_EQ(first_fit_offset(b, offsets, placed, 3), 0u);  // shares no step with x or y
}

TEST(KernelScratch, FollowsCmsisNnBufferSizes) {
  Conv2dParams conv;
  conv.out_channels = 4;
  conv.kernel = 3;
  conv.stride = 2;
  conv.pad = 1;
  EXPECT_EQ(conv2d_scratch_bytes(conv, {240, 320, 1}, PlanDType::I8), 2u * 1u * 9u * 2u);
  EXPECT_EQ(conv2d_scratch_bytes(conv, {240, 320, 1}, PlanDType::F32), 9u * 4u);
  Conv2dParams dw = conv;
  dw.out_channels = dw.groups = 128;
  EXPECT_EQ(conv2d_scratch_bytes(dw, {30, 40, 128}, PlanDType::I8), 128u * 9u * 2u);
  Conv2dParams pw;
  pw.out_channels = 32;
  EXPECT_EQ(conv2d_scratch_bytes(pw, {30, 40, 128}, PlanDType::I8), 0u);
  const RNNPoolParams pool = zoo_detail::rnnpool_params(8, 4, 4, 16, 16);
  EXPECT_EQ(rnnpool_scratch_bytes(pool, PlanDType::I8), 2u * 8u * 16u * 2u);
  EXPECT_EQ(rnnpool_state_bytes(pool, PlanDType::F32), 32u * 4u);
  EXPECT_EQ(global_avg_pool_scratch_bytes({7, 7, 1280}, PlanDType::I8), 1280u * 4u);
}
