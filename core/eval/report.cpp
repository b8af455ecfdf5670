// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/eval/report.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace rnnpool::eval {
namespace {

std::string fixed(const std::optional<double> &v, int decimals) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, *v);
  return buf;
}

nlohmann::ordered_json maybe(const std::optional<double> &v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

} // namespace

std::string format_table(const EvalReport &report) {
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof line, "%-22s %-15s %6s %6s %8s %9s %7s %8s %9s\n", "detector",
                "subset", "images", "faces", "recall", "precision", "AP", "FP/neg", "ms/image");
  out << line;
  for (const DetectorReport &d : report.detectors)
    for (const NamedMetrics &s : d.subsets) {
      const SubsetMetrics &m = s.metrics;
      std::snprintf(line, sizeof line, "%-22s %-15s %6d %6d %8s %9s %7s %8s %9.1f\n",
                    d.name.c_str(), s.subset.c_str(), m.images, m.faces, fixed(m.recall, 3).c_str(),
                    fixed(m.precision, 3).c_str(), fixed(m.average_precision, 3).c_str(),
                    fixed(m.fp_per_negative_image, 3).c_str(), m.ms_per_image);
      out << line;
    }
  out << "\nIoU >= 0.5; recall, precision and FP/neg at each detector's operating threshold; AP "
         "over all candidates.\n";
  for (const DetectorReport &d : report.detectors)
    out << "  " << d.name << ": " << d.description << "\n";
  for (const std::string &n : report.notes)
    out << "note: " << n << "\n";
  return out.str();
}

nlohmann::ordered_json report_to_json(const EvalReport &report) {
  nlohmann::ordered_json detectors = nlohmann::ordered_json::array();
  for (const DetectorReport &d : report.detectors) {
    nlohmann::ordered_json subsets = nlohmann::ordered_json::array();
    for (const NamedMetrics &s : d.subsets) {
      const SubsetMetrics &m = s.metrics;
      subsets.push_back({{"subset", s.subset},
                         {"images", m.images},
                         {"faces", m.faces},
                         {"negative_images", m.negative_images},
                         {"true_positives", m.true_positives},
                         {"false_positives", m.false_positives},
                         {"false_positives_on_negatives", m.false_positives_on_negatives},
                         {"recall", maybe(m.recall)},
                         {"precision", maybe(m.precision)},
                         {"average_precision", maybe(m.average_precision)},
                         {"fp_per_negative_image", maybe(m.fp_per_negative_image)},
                         {"ms_per_image", m.ms_per_image}});
    }
    detectors.push_back(
        {{"name", d.name},
         {"description", d.description},
         // -inf (every box the detector reports counts) is not representable in JSON.
         {"operating_threshold", std::isfinite(d.operating_threshold)
                                     ? nlohmann::ordered_json(d.operating_threshold)
                                     : nlohmann::ordered_json(nullptr)},
         {"subsets", std::move(subsets)}});
  }
  return {{"dataset", report.dataset},
          {"images", report.images},
          {"iou_threshold", kMatchIou},
          {"detectors", std::move(detectors)},
          {"notes", report.notes}};
}

} // namespace rnnpool::eval
