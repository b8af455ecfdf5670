// SPDX-License-Identifier: GPL-3.0-or-later
// One frame, device against host: per-layer digest agreement (bit-exactness; the default, since
// a streaming device holds no layer whole), element metrics only for layers whose tensor the
// device sent back, and detections: identical (same boxes, scores, order) and matched by IoU.
// Run-level summary: latency statistics, time per MAdd, measured RAM against the plan.
#pragma once

#include "core/compare/detection_match.h"
#include "core/compare/run_stats.h"
#include "core/compare/tensor_metrics.h"
#include "firmware_bridge/host/device_session.h"
#include "firmware_bridge/host/host_reference.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace rnnpool::bridge {

struct LayerComparison {
  std::string name;
  uint32_t hostCrc = 0, deviceCrc = 0;
  uint32_t hostBytes = 0, deviceBytes = 0;
  bool digestsEqual = false; // CRC-32 and size of the whole integer output equal
  // Only from a tensor the device sent back (and the host's whole-tensor output).
  std::optional<compare::TensorMetrics> metrics;
  std::string note; // e.g. why no metrics
};

struct FrameComparison {
  uint32_t frameId = 0;
  std::vector<LayerComparison> layers;
  compare::DetectionMatch detections;
  std::vector<compare::Box> hostBoxes, deviceBoxes;
  bool detectionsIdentical = false; // same boxes, scores, labels, in the same order
  bool bitExact = false; // every layer digest equal, same layer count, detections identical
  double roundTripMs = 0;
  uint32_t deviceTime = 0; // TIMINGS.frame_total (cycles or instructions)
};

std::vector<compare::Box> toBoxes(const std::vector<rnnpool_detection> &detections);

// `deviceTensors[i]` is layer i's read-back output when available.
FrameComparison compareFrame(const HostRun &host, const FrameResult &device,
                             const std::vector<std::optional<LayerTensor>> &deviceTensors,
                             const HostReference &reference);

struct RunSummary {
  std::size_t frames = 0, bitExactFrames = 0;
  compare::LatencyStats roundTripMs;
  compare::LatencyStats deviceTime;
  std::string timeUnit; // "cycles" or "instructions"
  std::optional<double> timePerMadd;
  uint64_t madds = 0;             // of one frame (analysis)
  uint64_t peakRamBytes = 0;      // device: .data + .bss (UART buffers included) + arena high
                                  // water + stack peak (MEMORY_REPORT.peak_total)
  uint64_t arenaHighWater = 0;    // device
  uint64_t plannedArenaBytes = 0; // host: the streaming i8 plan's arena for this frame size
  rnnpool_memory_report memory{}; // the last frame's full report
};

RunSummary summarize(const std::vector<FrameComparison> &frames, const FrameResult &last,
                     const DeviceInfo &info, uint64_t madds, uint64_t plannedArenaBytes);

nlohmann::json toJson(const FrameComparison &frame);
// The run report: bit_exact, frames, latency, peak_ram_bytes, planned_ram_bytes, metrics.
nlohmann::json toJson(const RunSummary &summary, const std::vector<FrameComparison> &frames,
                      const DeviceInfo &info);
// One human-readable line per frame.
std::string toLine(const FrameComparison &frame);

} // namespace rnnpool::bridge
