// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/studio/device_results.h"

#include <QObject>
#include <algorithm>
#include <map>

namespace rnnpool {

QVector<DeviceMetricsRow> metricsRows(const bridge::FrameComparison &comparison) {
  QVector<DeviceMetricsRow> rows;
  for (const bridge::LayerComparison &layer : comparison.layers) {
    DeviceMetricsRow row;
    row.tensor = QStringLiteral("cross %1").arg(QString::fromStdString(layer.name));
    row.bitExact = layer.digestsEqual;
    row.hasMetrics = layer.metrics.has_value();
    if (layer.metrics) {
      const compare::TensorMetrics &m = *layer.metrics;
      row.rmse = m.rmse;
      row.mae = m.mae;
      row.l2rel = m.l2_relative;
      row.meanErr = m.error_mean;
      row.stdErr = m.error_std;
      row.cosine = m.cosine;
      row.maxAbs = m.max_abs;
    }
    rows << row;
  }
  DeviceMetricsRow boxes;
  boxes.tensor = QObject::tr("cross detections (host %1, device %2, matched %3)")
                     .arg(comparison.hostBoxes.size())
                     .arg(comparison.deviceBoxes.size())
                     .arg(comparison.detections.matched.size());
  boxes.bitExact =
      comparison.detections.agree() && comparison.hostBoxes.size() == comparison.deviceBoxes.size();
  boxes.hasMetrics = false;
  rows << boxes;
  return rows;
}

DeviceTimeUnit deviceTimeUnit(rnnpool_time_unit unit, uint32_t clockHz) {
  if (unit == RNNPOOL_TIME_INSTRUCTIONS) return {"M instructions", "M instr", 1e-6};
  if (clockHz > 0) return {"ms", "ms", 1000.0 / double(clockHz)};
  return {"M cycles", "M cycles", 1e-6};
}

QVector<double> deviceLayerTimes(const DeviceFrameReport &report, const QVector<LayerRow> &rows,
                                 const DeviceTimeUnit &unit) {
  std::map<QString, double> by_name;
  const rnnpool_timings &t = report.device.timings;
  const std::size_t n = std::min<std::size_t>(t.count, report.comparison.layers.size());
  for (std::size_t i = 0; i < n; ++i)
    by_name[QString::fromStdString(report.comparison.layers[i].name)] =
        double(t.layer[i]) * unit.scale;
  QVector<double> out(rows.size(), -1.0);
  for (int r = 0; r < rows.size(); ++r)
    if (auto it = by_name.find(rows[r].name); it != by_name.end()) out[r] = it->second;
  return out;
}

QString frameSummaryLine(const DeviceFrameReport &report, const DeviceTimeUnit &unit) {
  const bridge::FrameComparison &c = report.comparison;
  const auto exact = std::count_if(c.layers.begin(), c.layers.end(),
                                   [](const bridge::LayerComparison &l) { return l.digestsEqual; });
  return QObject::tr("frame %1 (%2x%3): %4, %5/%6 layers bit-exact, detections %7 (host %8, "
                     "device %9); device %10 %11, round trip %12 ms, host reference %13 ms")
      .arg(report.frameIndex)
      .arg(report.inputWidth)
      .arg(report.inputHeight)
      .arg(c.bitExact ? QObject::tr("BIT-EXACT") : QObject::tr("DIFFERS"))
      .arg(exact)
      .arg(c.layers.size())
      .arg(c.detectionsIdentical  ? QObject::tr("identical")
           : c.detections.agree() ? QObject::tr("agree by IoU")
                                  : QObject::tr("disagree"))
      .arg(c.hostBoxes.size())
      .arg(c.deviceBoxes.size())
      .arg(double(report.device.timings.frame_total) * unit.scale, 0, 'f', 1)
      .arg(unit.plot)
      .arg(report.device.roundTripMs, 0, 'f', 0)
      .arg(report.hostMs, 0, 'f', 0);
}

} // namespace rnnpool
