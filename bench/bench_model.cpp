// SPDX-License-Identifier: GPL-3.0-or-later
// Whole-model latency per 320x240 frame: the float executor (1 and all threads), the quantized
// host path whole-tensor (QuantizedExecutor) and streaming (QuantizedStreamingExecutor, the
// firmware's row-streaming C code).
#include "bench/bench_common.h"
#include "core/model/executor.h"
#include "core/ops/parallel.h"
#include "core/quant/quantized_executor.h"
#include "core/quant/quantized_streaming_executor.h"

#include <benchmark/benchmark.h>

namespace rnnpool::bench {
namespace {

void BM_FloatModel(benchmark::State &state) {
  const perf::BenchSetup &s = setup();
  set_op_threads(int(state.range(0)));
  Executor exec(s.model.graph);
  exec.run(s.input); // warm-up: first-touch of every buffer
  for (auto _ : state) {
    exec.run(s.input);
    benchmark::DoNotOptimize(exec.tensor("conf.0").data());
  }
  set_op_threads(1);
}
BENCHMARK(BM_FloatModel)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(all_threads())
    ->Unit(benchmark::kMillisecond);

void BM_QuantizedWholeTensor(benchmark::State &state) {
  const perf::BenchSetup &s = setup();
  quant::QuantizedExecutor exec(s.quantized);
  exec.run(s.frame);
  for (auto _ : state) {
    exec.run(s.frame);
    benchmark::DoNotOptimize(exec.outputs().back().bytes.data());
  }
}
BENCHMARK(BM_QuantizedWholeTensor)->Unit(benchmark::kMillisecond);

void BM_QuantizedStreaming(benchmark::State &state) {
  const perf::BenchSetup &s = setup();
  quant::QuantizedStreamingExecutor exec(s.quantized);
  const Shape in = s.quantized.input;
  for (auto _ : state) {
    quant::StreamingRun run = exec.run(s.frame, in.h, in.w);
    benchmark::DoNotOptimize(run.crc.data());
  }
}
BENCHMARK(BM_QuantizedStreaming)->Unit(benchmark::kMillisecond);

} // namespace
} // namespace rnnpool::bench

BENCHMARK_MAIN();
