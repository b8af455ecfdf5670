// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/host/frame_comparison.h"

#include <cmath>
#include <cstdio>
#include <span>

namespace rnnpool::bridge {

std::vector<compare::Box> toBoxes(const std::vector<rnnpool_detection> &detections) {
  std::vector<compare::Box> out;
  for (const rnnpool_detection &d : detections)
    out.push_back({static_cast<float>(d.x0), static_cast<float>(d.y0), static_cast<float>(d.x1),
                   static_cast<float>(d.y1), static_cast<float>(d.score_q16) / 65535.0f,
                   static_cast<int>(d.label)});
  return out;
}

FrameComparison compareFrame(const HostRun &host, const FrameResult &device,
                             const std::vector<std::optional<LayerTensor>> &deviceTensors,
                             const HostReference &reference) {
  FrameComparison out;
  out.frameId = device.frameId;
  out.roundTripMs = device.roundTripMs;
  out.deviceTime = device.timings.frame_total;
  const std::size_t n = std::max(host.layers.size(), device.digests.size());
  bool allEqual = host.layers.size() == device.digests.size();
  for (std::size_t i = 0; i < n; ++i) {
    LayerComparison lc;
    lc.name = i < host.layers.size() ? host.layers[i].name : "layer " + std::to_string(i);
    if (i < host.layers.size()) {
      lc.hostCrc = host.layers[i].crc;
      lc.hostBytes = host.layers[i].bytes;
    } else {
      lc.note = "not in the host model";
    }
    if (i < device.digests.size()) {
      lc.deviceCrc = device.digests[i].crc;
      lc.deviceBytes = device.digests[i].bytes;
    } else {
      lc.note = "not reported by the device";
    }
    lc.digestsEqual = i < host.layers.size() && i < device.digests.size() &&
                      lc.hostCrc == lc.deviceCrc && lc.hostBytes == lc.deviceBytes;
    allEqual = allEqual && lc.digestsEqual;
    const auto hostOut = reference.layerOutput(i);
    if (i < deviceTensors.size() && deviceTensors[i] && hostOut) {
      const auto &dev = deviceTensors[i]->data;
      if (dev.size() == hostOut->size()) {
        // Integer outputs compared element-wise in their stored type.
        if (deviceTensors[i]->dtype == RNNPOOL_DTYPE_I8)
          lc.metrics = compare::compare_tensors(
              std::span(reinterpret_cast<const int8_t *>(hostOut->data()), hostOut->size()),
              std::span(reinterpret_cast<const int8_t *>(dev.data()), dev.size()));
        else
          lc.metrics = compare::compare_tensors(std::span<const uint8_t>(*hostOut),
                                                std::span<const uint8_t>(dev));
        lc.metricsSource = "tensor";
      } else {
        lc.note = "tensor sizes differ: host " + std::to_string(hostOut->size()) + ", device " +
                  std::to_string(dev.size());
      }
    } else if (lc.digestsEqual) {
      compare::TensorMetrics exact;
      exact.count = lc.hostBytes;
      lc.metrics = exact;
      lc.metricsSource = "digest";
    } else if (lc.note.empty()) {
      lc.note = "digests differ; tensor not read back";
    }
    out.layers.push_back(std::move(lc));
  }
  out.hostBoxes = host.detections;
  out.deviceBoxes = toBoxes(device.detections);
  out.detections = compare::match_detections(out.hostBoxes, out.deviceBoxes, 0.5f);
  out.bitExact = allEqual && out.detections.agree();
  return out;
}

RunSummary summarize(const std::vector<FrameComparison> &frames, const FrameResult &last,
                     const DeviceInfo &info, uint64_t madds, uint64_t plannedArenaBytes) {
  RunSummary s;
  s.frames = frames.size();
  std::vector<double> rtt, dev;
  for (const FrameComparison &f : frames) {
    s.bitExactFrames += f.bitExact ? 1 : 0;
    rtt.push_back(f.roundTripMs);
    dev.push_back(static_cast<double>(f.deviceTime));
  }
  s.roundTripMs = compare::latency_stats(rtt);
  s.deviceTime = compare::latency_stats(dev);
  s.timeUnit = info.timeUnit == RNNPOOL_TIME_INSTRUCTIONS ? "instructions" : "cycles";
  s.timePerMadd = compare::units_per_madd(s.deviceTime.mean, madds);
  s.peakRamBytes = last.memory.peak_total;
  s.arenaHighWater = last.memory.arena_high_water;
  s.plannedArenaBytes = plannedArenaBytes;
  return s;
}

namespace {

nlohmann::json statsJson(const compare::LatencyStats &s) {
  return {{"count", s.count}, {"mean", s.mean}, {"min", s.min}, {"max", s.max}, {"std", s.std}};
}

nlohmann::json metricsJson(const compare::TensorMetrics &m) {
  return {{"count", m.count},
          {"rmse", m.rmse},
          {"mae", m.mae},
          {"l2_relative",
           std::isfinite(m.l2_relative) ? nlohmann::json(m.l2_relative) : nlohmann::json("inf")},
          {"error_mean", m.error_mean},
          {"error_std", m.error_std},
          {"cosine", m.cosine},
          {"max_abs", m.max_abs},
          {"mismatches", m.mismatches},
          {"bit_exact", m.bit_exact}};
}

nlohmann::json boxJson(const compare::Box &b) {
  return {{"box", {b.x0, b.y0, b.x1, b.y1}}, {"score", b.score}, {"label", b.label}};
}

} // namespace

nlohmann::json toJson(const FrameComparison &f) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerComparison &l : f.layers) {
    nlohmann::json j = {{"name", l.name},
                        {"host_crc", hex32(l.hostCrc)},
                        {"device_crc", hex32(l.deviceCrc)},
                        {"host_bytes", l.hostBytes},
                        {"device_bytes", l.deviceBytes},
                        {"bit_exact", l.digestsEqual}};
    if (l.metrics) {
      j["metrics"] = metricsJson(*l.metrics);
      j["metrics"]["source"] = l.metricsSource;
    }
    if (!l.note.empty()) j["note"] = l.note;
    layers.push_back(std::move(j));
  }
  nlohmann::json matched = nlohmann::json::array(), missed = nlohmann::json::array(),
                 extra = nlohmann::json::array();
  for (const auto &p : f.detections.matched)
    matched.push_back({{"host", p.reference},
                       {"device", p.device},
                       {"iou", p.iou},
                       {"score_delta", p.score_delta}});
  for (auto i : f.detections.missed)
    missed.push_back(boxJson(f.hostBoxes[i]));
  for (auto i : f.detections.extra)
    extra.push_back(boxJson(f.deviceBoxes[i]));
  return {{"frame_id", f.frameId},
          {"bit_exact", f.bitExact},
          {"round_trip_ms", f.roundTripMs},
          {"device_time", f.deviceTime},
          {"layers", layers},
          {"detections",
           {{"host", f.hostBoxes.size()},
            {"device", f.deviceBoxes.size()},
            {"matched", matched},
            {"missed_by_device", missed},
            {"extra_on_device", extra}}}};
}

nlohmann::json toJson(const RunSummary &s, const std::vector<FrameComparison> &frames,
                      const DeviceInfo &info) {
  nlohmann::json perFrame = nlohmann::json::array();
  nlohmann::json metrics = nlohmann::json::object();
  for (const FrameComparison &f : frames) {
    perFrame.push_back(toJson(f));
    for (const LayerComparison &l : f.layers)
      // Per layer, the worst frame of the run (largest RMSE; the first on ties).
      if (l.metrics &&
          (!metrics.contains(l.name) || l.metrics->rmse > metrics[l.name]["rmse"].get<double>())) {
        metrics[l.name] = metricsJson(*l.metrics);
        metrics[l.name]["source"] = l.metricsSource;
        metrics[l.name]["frame_id"] = f.frameId;
      }
  }
  nlohmann::json latency = {{"round_trip_ms", statsJson(s.roundTripMs)},
                            {"device", statsJson(s.deviceTime)},
                            {"device_unit", s.timeUnit}};
  latency["device_per_madd"] = s.timePerMadd ? nlohmann::json(*s.timePerMadd) : nullptr;
  return {{"bit_exact", s.frames > 0 && s.bitExactFrames == s.frames},
          {"bit_exact_frames", s.bitExactFrames},
          {"device",
           {{"board", info.board},
            {"firmware", info.firmwareVersion},
            {"model_digest", hex32(info.modelDigest)},
            {"clock_hz", info.clockHz},
            {"arena_size", info.arenaSize}}},
          {"frames", perFrame},
          {"latency", latency},
          {"peak_ram_bytes", s.peakRamBytes},
          {"arena_high_water_bytes", s.arenaHighWater},
          {"planned_ram_bytes", s.plannedArenaBytes},
          {"metrics", metrics}};
}

std::string toLine(const FrameComparison &f) {
  std::string s =
      "frame " + std::to_string(f.frameId) + ": " + (f.bitExact ? "bit-exact" : "DIFFERENT");
  char buf[96];
  std::snprintf(buf, sizeof buf, ", round trip %.1f ms, device %u", f.roundTripMs, f.deviceTime);
  s += buf;
  for (const LayerComparison &l : f.layers) {
    s += "; " + l.name + " " + hex32(l.deviceCrc) + (l.digestsEqual ? "==" : "!=") +
         hex32(l.hostCrc);
    if (l.metrics && !l.metrics->bit_exact) s += " (" + compare::to_string(*l.metrics) + ")";
  }
  s += "; detections " + std::to_string(f.deviceBoxes.size()) + "/" +
       std::to_string(f.hostBoxes.size()) + " matched " +
       std::to_string(f.detections.matched.size());
  return s;
}

} // namespace rnnpool::bridge
