// SPDX-License-Identifier: GPL-3.0-or-later
// A mirrored frame's comparison as the panel and the layer table show it: the metrics table's
// rows, the device's time unit in words, and the per-layer device numbers in the table's order.
#pragma once

#include "app/studio/device_worker.h"
#include "widgets/model/device_metrics_row.h"
#include "widgets/model/layer_row.h"

#include <QString>
#include <QVector>

namespace rnnpool {

// One "cross" row per device layer (device vs host: bit-exact by CRC-32 digest; the metric
// cells are numbers only for a layer whose tensor came back) and one for the detections
// (bit-exact when identical: boxes, scores, labels, order).
QVector<DeviceMetricsRow> metricsRows(const bridge::FrameComparison &comparison);

// How device times are shown: QEMU counts instructions (millions), a board cycles (converted
// to ms when the clock is known).
struct DeviceTimeUnit {
  QString plot;     // "M instructions", "ms", "M cycles"
  QString table;    // the layer table header's unit: "M instr", "ms", "M cycles"
  double scale = 1; // raw count * scale = value in that unit
};
DeviceTimeUnit deviceTimeUnit(rnnpool_time_unit unit, uint32_t clockHz);

// Device per-layer times for the table rows (by layer name; -1 where the device reports none:
// the device attributes a block's fused layers to the layer its digest is taken after).
QVector<double> deviceLayerTimes(const DeviceFrameReport &report, const QVector<LayerRow> &rows,
                                 const DeviceTimeUnit &unit);

// One log line: bit-exactness, detections, device time, round trip.
QString frameSummaryLine(const DeviceFrameReport &report, const DeviceTimeUnit &unit);

} // namespace rnnpool
