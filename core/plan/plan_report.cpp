// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/plan/plan_report.h"

#include <algorithm>
#include <sstream>

namespace rnnpool {

nlohmann::json plan_to_json(const MemoryPlan &plan) {
  nlohmann::json buffers = nlohmann::json::array();
  for (std::size_t b = 0; b < plan.buffers.size(); ++b) {
    const BufferLifetime &buf = plan.buffers[b];
    buffers.push_back({{"name", buf.name},
                       {"kind", buffer_kind_name(buf.kind)},
                       {"bytes", buf.bytes},
                       {"offset", plan.offsets[b]},
                       {"first_step", buf.first_step},
                       {"last_step", buf.last_step}});
  }
  nlohmann::json steps = nlohmann::json::array();
  for (std::size_t s = 0; s < plan.steps.size(); ++s) {
    nlohmann::json live = nlohmann::json::array();
    for (std::size_t b : plan.steps[s].live)
      live.push_back({{"name", plan.buffers[b].name},
                      {"offset", plan.offsets[b]},
                      {"bytes", plan.buffers[b].bytes}});
    steps.push_back({{"step", s},
                     {"layer", plan.steps[s].layer},
                     {"live_bytes", plan.steps[s].live_bytes},
                     {"buffers", live}});
  }
  return {{"model", plan.architecture},
          {"strategy", plan.strategy},
          {"dtype", dtype_name(plan.dtype)},
          {"peak_bytes", plan.peak_bytes},
          {"peak_step", plan.peak_step},
          {"peak_layer", plan.steps.empty() ? "" : plan.steps[std::size_t(plan.peak_step)].layer},
          {"arena_bytes", plan.arena_bytes},
          {"arena_bytes_greedy", plan.arena_bytes_greedy},
          {"arena_bytes_search", plan.arena_bytes_search},
          {"search_proven_optimal", plan.search_proven_optimal},
          {"placer", plan.placer},
          {"buffers", buffers},
          {"steps", steps}};
}

std::string plan_to_csv(const MemoryPlan &plan) {
  std::ostringstream out;
  out << "step,layer,live_bytes,buffer,kind,offset,bytes\n";
  for (std::size_t s = 0; s < plan.steps.size(); ++s)
    for (std::size_t b : plan.steps[s].live)
      out << s << ',' << plan.steps[s].layer << ',' << plan.steps[s].live_bytes << ','
          << plan.buffers[b].name << ',' << buffer_kind_name(plan.buffers[b].kind) << ','
          << plan.offsets[b] << ',' << plan.buffers[b].bytes << '\n';
  return out.str();
}

std::string plan_to_table(const MemoryPlan &plan) {
  std::size_t name_width = 5, bytes_width = 10;
  for (const PlanStep &s : plan.steps) {
    name_width = std::max(name_width, s.layer.size());
    bytes_width = std::max(bytes_width, std::to_string(s.live_bytes).size());
  }
  std::ostringstream out;
  out << plan.architecture << ", strategy " << plan.strategy << ", " << dtype_name(plan.dtype)
      << '\n';
  const auto pad_right = [](const std::string &s, std::size_t w) {
    return s + std::string(w - std::min(w, s.size()), ' ');
  };
  const auto pad_left = [](const std::string &s, std::size_t w) {
    return std::string(w - std::min(w, s.size()), ' ') + s;
  };
  out << pad_left("step", 4) << "  " << pad_right("layer", name_width) << "  "
      << pad_left("live_bytes", bytes_width) << "  buffers (name@offset+bytes)\n";
  for (std::size_t s = 0; s < plan.steps.size(); ++s) {
    const PlanStep &step = plan.steps[s];
    out << pad_left(std::to_string(s), 4) << "  " << pad_right(step.layer, name_width) << "  "
        << pad_left(std::to_string(step.live_bytes), bytes_width) << " "
        << (int(s) == plan.peak_step ? '*' : ' ');
    for (std::size_t b : step.live)
      out << ' ' << plan.buffers[b].name << '@' << plan.offsets[b] << '+' << plan.buffers[b].bytes;
    out << '\n';
  }
  const double mib = double(plan.peak_bytes) / (1024.0 * 1024.0);
  out << "peak: " << plan.peak_bytes << " B (" << mib << " MiB) at step " << plan.peak_step << " ("
      << (plan.steps.empty() ? "" : plan.steps[std::size_t(plan.peak_step)].layer) << ")\n";
  out << "arena: " << plan.arena_bytes << " B (greedy " << plan.arena_bytes_greedy << ", search "
      << plan.arena_bytes_search
      << (plan.search_proven_optimal ? ", proven optimal" : ", search budget reached") << ")\n";
  return out.str();
}

} // namespace rnnpool
