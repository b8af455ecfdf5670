// SPDX-License-Identifier: GPL-3.0-or-later
// Per-layer float latency (each layer's operator on its real input from one full run), RNNPool
// alone at 1 and all threads, and NMS on a crowded candidate set.
#include "bench/bench_common.h"
#include "core/detect/decode.h"
#include "core/model/executor.h"
#include "core/ops/ops.h"
#include "core/ops/parallel.h"
#include "core/quant/batched_rnnpool.h"
#include "core/quant/quantized_executor.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <cstdint>

namespace rnnpool::bench {
namespace {

// One full run provides every layer's input.
const Executor &reference_run() {
  static const std::unique_ptr<Executor> exec = [] {
    auto e = std::make_unique<Executor>(setup().model.graph);
    e->run(setup().input);
    return e;
  }();
  return *exec;
}

void run_layer(const Layer &layer, const Executor &ref, Tensor &out) {
  const Tensor *second = layer.inputs.size() > 1 ? &ref.tensor(layer.inputs[1]) : nullptr;
  apply_layer(layer, ref.tensor(layer.inputs.front()), second, out);
}

void BM_Layer(benchmark::State &state, std::size_t index) {
  const Executor &ref = reference_run();
  const Layer &layer = setup().model.graph.layers[index];
  Tensor out;
  run_layer(layer, ref, out);
  for (auto _ : state) {
    run_layer(layer, ref, out);
    benchmark::DoNotOptimize(out.data());
  }
}

void BM_RNNPool(benchmark::State &state) {
  const Executor &ref = reference_run();
  const Layer &layer =
      *std::find_if(setup().model.graph.layers.begin(), setup().model.graph.layers.end(),
                    [](const Layer &l) { return l.op == OpKind::RNNPool; });
  set_op_threads(int(state.range(0)));
  Tensor out;
  run_layer(layer, ref, out);
  for (auto _ : state) {
    run_layer(layer, ref, out);
    benchmark::DoNotOptimize(out.data());
  }
  set_op_threads(1);
}
BENCHMARK(BM_RNNPool)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(all_threads())
    ->Unit(benchmark::kMillisecond);

// The quantized RNNPool on the quantized conv output: the device kernel (per patch, as the
// firmware runs it) and the host's BatchedRNNPool (same integers).
const quant::QuantizedExecutor &quantized_run() {
  static const std::unique_ptr<quant::QuantizedExecutor> exec = [] {
    auto e = std::make_unique<quant::QuantizedExecutor>(setup().quantized);
    e->run(setup().frame);
    return e;
  }();
  return *exec;
}

void BM_QuantizedRNNPool(benchmark::State &state) {
  const quant::QuantizedExecutor &q = quantized_run();
  const rp_face_model_t kernels = setup().quantized.view();
  const rp_rnnpool_t &pool = kernels.stem.rnnpool;
  const auto *in = reinterpret_cast<const std::int8_t *>(q.output("conv").bytes.data());
  std::vector<std::int8_t> out(q.output("rnn_model").bytes.size());
  quant::BatchedRNNPool batched(pool);
  std::vector<std::int32_t> buffer(std::size_t(rp_rnnpool_get_buffer_size(&pool)) / 4 + 1);
  const bool device_kernel = state.range(0) == 0;
  for (auto _ : state) {
    if (device_kernel)
      rp_rnnpool_s8(&pool, in, out.data(), buffer.data());
    else
      batched.run(in, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetLabel(device_kernel ? "rp_rnnpool_s8 (device kernel)" : "BatchedRNNPool (host)");
}
BENCHMARK(BM_QuantizedRNNPool)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Each fused quantized MBConv block on its input from a full quantized run.
void BM_QuantizedMBConv(benchmark::State &state) {
  const quant::QuantizedExecutor &q = quantized_run();
  const rp_face_model_t kernels = setup().quantized.view();
  const int block = int(state.range(0));
  const rp_mbconv_t &m = kernels.mob[block];
  const char *inputs[] = {"rnn_pad", "mob.0.project", "mob.1.add", "mob.2.project"};
  const auto *in = reinterpret_cast<const std::int8_t *>(q.output(inputs[block]).bytes.data());
  std::vector<std::int8_t> out(std::size_t(rp_mbconv_out_h(&m)) * rp_mbconv_out_w(&m) * m.out_c);
  std::vector<std::int32_t> buffer(std::size_t(rp_mbconv_get_buffer_size(&m)) / 4 + 1);
  for (auto _ : state) {
    rp_mbconv_s8(&m, in, out.data(), buffer.data());
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_QuantizedMBConv)->DenseRange(0, RP_FACE_MBCONVS - 1)->Unit(benchmark::kMillisecond);

// A crowded frame: `count` candidates in clusters of overlapping boxes (what a low threshold on a
// busy image gives), scores from a fixed LCG.
void BM_NMS(benchmark::State &state) {
  const std::size_t count = std::size_t(state.range(0));
  std::vector<Box> boxes(count);
  std::vector<float> scores(count);
  std::uint32_t lcg = 12345;
  auto next = [&] {
    lcg = lcg * 1664525u + 1013904223u;
    return float(lcg >> 8) / float(1u << 24);
  };
  for (std::size_t i = 0; i < count; ++i) {
    const float cx = 0.1f + 0.8f * float(i % 40) / 40.0f + 0.01f * next();
    const float cy = 0.1f + 0.8f * float((i / 40) % 30) / 30.0f + 0.01f * next();
    const float half = 0.02f + 0.05f * next();
    boxes[i] = {cx - half, cy - half, cx + half, cy + half};
    scores[i] = 0.05f + 0.95f * next();
  }
  NmsConfig config;
  for (auto _ : state) {
    auto kept = nms(boxes, scores, config);
    benchmark::DoNotOptimize(kept.data());
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(count));
}
BENCHMARK(BM_NMS)->Arg(300)->Arg(3000)->Unit(benchmark::kMicrosecond);

struct RegisterLayers {
  RegisterLayers() {
    const Graph &g = setup().model.graph;
    for (std::size_t i = 0; i < g.layers.size(); ++i)
      benchmark::RegisterBenchmark(("BM_Layer/" + g.layers[i].name).c_str(), BM_Layer, i)
          ->Unit(benchmark::kMillisecond);
  }
};

} // namespace
} // namespace rnnpool::bench

int main(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  rnnpool::bench::RegisterLayers registered; // after flag parsing: layer names come from the model
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
