// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/host/frame_comparison.h"

#include <algorithm>
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

namespace {

bool sameBoxes(const std::vector<compare::Box> &a, const std::vector<compare::Box> &b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].x0 != b[i].x0 || a[i].y0 != b[i].y0 || a[i].x1 != b[i].x1 || a[i].y1 != b[i].y1 ||
        a[i].score != b[i].score || a[i].label != b[i].label)
      return false;
  return true;
}

// Element metrics of a read-back tensor, in the type the device says it holds.
compare::TensorMetrics tensorMetrics(const std::vector<uint8_t> &host, const LayerTensor &device) {
  const auto &dev = device.data;
  switch (device.dtype) {
  case RNNPOOL_DTYPE_I8:
    return compare::compare_tensors(
        std::span(reinterpret_cast<const int8_t *>(host.data()), host.size()),
        std::span(reinterpret_cast<const int8_t *>(dev.data()), dev.size()));
  case RNNPOOL_DTYPE_I16: {
    // Little-endian int16 on both sides; compared as values.
    auto values = [](const std::vector<uint8_t> &bytes) {
      std::vector<float> out(bytes.size() / 2);
      for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<float>(static_cast<int16_t>(bytes[2 * i] | (bytes[2 * i + 1] << 8)));
      return out;
    };
    const std::vector<float> h = values(host), d = values(dev);
    return compare::compare_tensors(std::span<const float>(h), std::span<const float>(d));
  }
  default:
    return compare::compare_tensors(std::span<const uint8_t>(host), std::span<const uint8_t>(dev));
  }
}

} // namespace

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
    if (i < deviceTensors.size() && deviceTensors[i]) {
      const auto hostOut = reference.layerOutput(i);
      if (!hostOut)
        lc.note = "the host reference has no tensor for this layer";
      else if (hostOut->size() != deviceTensors[i]->data.size())
        lc.note = "tensor sizes differ: host " + std::to_string(hostOut->size()) + ", device " +
                  std::to_string(deviceTensors[i]->data.size());
      else
        lc.metrics = tensorMetrics(*hostOut, *deviceTensors[i]);
    } else if (!lc.digestsEqual && lc.note.empty()) {
      lc.note = "digests differ; the device sent no tensor";
    }
    out.layers.push_back(std::move(lc));
  }
  out.hostBoxes = host.detections;
  out.deviceBoxes = toBoxes(device.detections);
  out.detections = compare::match_detections(out.hostBoxes, out.deviceBoxes, 0.5f);
  out.detectionsIdentical = sameBoxes(out.hostBoxes, out.deviceBoxes);
  out.bitExact = allEqual && out.detectionsIdentical;
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
  s.madds = madds;
  s.timePerMadd = compare::units_per_madd(s.deviceTime.mean, madds);
  s.memory = last.memory;
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
  std::size_t equal = 0;
  for (const LayerComparison &l : f.layers) {
    nlohmann::json j = {{"name", l.name},
                        {"host_crc", hex32(l.hostCrc)},
                        {"device_crc", hex32(l.deviceCrc)},
                        {"host_bytes", l.hostBytes},
                        {"device_bytes", l.deviceBytes},
                        {"digest_equal", l.digestsEqual}};
    equal += l.digestsEqual ? 1 : 0;
    if (l.metrics) j["metrics"] = metricsJson(*l.metrics);
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
  nlohmann::json deviceBoxes = nlohmann::json::array();
  for (const compare::Box &b : f.deviceBoxes)
    deviceBoxes.push_back(boxJson(b));
  return {{"frame_id", f.frameId},
          {"bit_exact", f.bitExact},
          {"round_trip_ms", f.roundTripMs},
          {"device_time", f.deviceTime},
          {"layers_digest_equal", equal},
          {"layers", layers},
          {"detections",
           {{"host", f.hostBoxes.size()},
            {"device", f.deviceBoxes.size()},
            {"identical", f.detectionsIdentical},
            {"device_boxes", deviceBoxes},
            {"matched", matched},
            {"missed_by_device", missed},
            {"extra_on_device", extra}}}};
}

nlohmann::json toJson(const RunSummary &s, const std::vector<FrameComparison> &frames,
                      const DeviceInfo &info) {
  nlohmann::json perFrame = nlohmann::json::array();
  // Per layer: in how many frames the digests agreed; element metrics (worst frame by RMSE)
  // only where the device sent a tensor back.
  nlohmann::json metrics = nlohmann::json::object();
  std::size_t detectionFramesIdentical = 0, matched = 0, missed = 0, extra = 0;
  double iouSum = 0, iouMin = 1;
  for (const FrameComparison &f : frames) {
    perFrame.push_back(toJson(f));
    for (const LayerComparison &l : f.layers) {
      nlohmann::json &m = metrics[l.name];
      if (m.is_null()) m = {{"frames", 0}, {"digest_equal_frames", 0}};
      m["frames"] = m["frames"].get<std::size_t>() + 1;
      if (l.digestsEqual)
        m["digest_equal_frames"] = m["digest_equal_frames"].get<std::size_t>() + 1;
      if (l.metrics &&
          (!m.contains("tensor") || l.metrics->rmse > m["tensor"]["rmse"].get<double>())) {
        m["tensor"] = metricsJson(*l.metrics);
        m["tensor"]["frame_id"] = f.frameId;
      }
    }
    detectionFramesIdentical += f.detectionsIdentical ? 1 : 0;
    matched += f.detections.matched.size();
    missed += f.detections.missed.size();
    extra += f.detections.extra.size();
    for (const auto &p : f.detections.matched) {
      iouSum += p.iou;
      iouMin = std::min(iouMin, static_cast<double>(p.iou));
    }
  }
  nlohmann::json layerMetrics = nlohmann::json::object();
  for (auto &[name, m] : metrics.items()) {
    m["bit_exact"] = m["digest_equal_frames"] == m["frames"];
    m["source"] = m.contains("tensor") ? "tensor+digest" : "digest";
    layerMetrics[name] = m;
  }
  nlohmann::json latency = {{"round_trip_ms", statsJson(s.roundTripMs)},
                            {"device", statsJson(s.deviceTime)},
                            {"device_unit", s.timeUnit},
                            {"madds_per_frame", s.madds}};
  latency["device_per_madd"] = s.timePerMadd ? nlohmann::json(*s.timePerMadd) : nullptr;
  const rnnpool_memory_report &m = s.memory;
  return {{"bit_exact", s.frames > 0 && s.bitExactFrames == s.frames},
          {"bit_exact_frames", s.bitExactFrames},
          {"frame_count", s.frames},
          {"device",
           {{"board", info.board},
            {"firmware", info.firmwareVersion},
            {"model_digest", hex32(info.modelDigest)},
            {"clock_hz", info.clockHz},
            {"arena_size", info.arenaSize}}},
          {"frames", perFrame},
          {"latency", latency},
          {"peak_ram_bytes", s.peakRamBytes},
          {"ram",
           {{"static_data", m.static_data},
            {"static_bss", m.static_bss},
            {"uart_buffers_in_bss", m.uart_buffers},
            {"arena_size", m.arena_size},
            {"arena_high_water", m.arena_high_water},
            {"stack_size", m.stack_size},
            {"stack_peak", m.stack_peak},
            {"ram_size", m.ram_size},
            {"rx_overflows", m.rx_overflows}}},
          {"arena_high_water_bytes", s.arenaHighWater},
          {"planned_ram_bytes", s.plannedArenaBytes},
          {"metrics",
           {{"layers", layerMetrics},
            {"detections",
             {{"frames_identical", detectionFramesIdentical},
              {"matched", matched},
              {"missed_by_device", missed},
              {"extra_on_device", extra},
              {"mean_iou", matched > 0 ? nlohmann::json(iouSum / static_cast<double>(matched))
                                       : nlohmann::json(nullptr)},
              {"min_iou", matched > 0 ? nlohmann::json(iouMin) : nlohmann::json(nullptr)}}}}}};
}

std::string toLine(const FrameComparison &f) {
  std::string s =
      "frame " + std::to_string(f.frameId) + ": " + (f.bitExact ? "bit-exact" : "DIFFERENT");
  char buf[96];
  std::snprintf(buf, sizeof buf, ", round trip %.1f ms, device time %u", f.roundTripMs,
                f.deviceTime);
  s += buf;
  std::size_t equal = 0;
  std::string differing;
  for (const LayerComparison &l : f.layers) {
    equal += l.digestsEqual ? 1 : 0;
    // Only the disagreements are spelled out (18 layers would not fit a line).
    if (!l.digestsEqual || (l.metrics && !l.metrics->bit_exact)) {
      differing += "; " + l.name + " " + hex32(l.deviceCrc) + (l.digestsEqual ? "==" : "!=") +
                   hex32(l.hostCrc);
      if (l.metrics) differing += " (" + compare::to_string(*l.metrics) + ")";
    }
  }
  s += "; " + std::to_string(equal) + "/" + std::to_string(f.layers.size()) +
       " layer digests equal" + differing;
  s += "; detections " + std::to_string(f.deviceBoxes.size()) + " device / " +
       std::to_string(f.hostBoxes.size()) + " host, " +
       (f.detectionsIdentical ? "identical"
                              : "matched " + std::to_string(f.detections.matched.size()));
  return s;
}

} // namespace rnnpool::bridge
