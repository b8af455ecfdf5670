// SPDX-License-Identifier: GPL-3.0-or-later
// One row of the device comparison table: how one output tensor (host, device, or host vs device)
// compares with its reference.
#pragma once

#include <QString>
#include <QVector>

namespace rnnpool {

struct DeviceMetricsRow {
  QString tensor; // row label: "host", "device", "cross" or a tensor name
  double rmse = 0, mae = 0, l2rel = 0, meanErr = 0, stdErr = 0, cosine = 0, maxAbs = 0;
  bool bitExact = false;
  // False when only agreement is known (e.g. digests or detections, no tensor read back): the
  // metric cells then show "-" instead of numbers nobody measured.
  bool hasMetrics = true;
};

} // namespace rnnpool
