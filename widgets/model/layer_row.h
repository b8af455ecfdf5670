// SPDX-License-Identifier: GPL-3.0-or-later
// One network layer as the views show it. Filled by an adapter from the core's analysis; the
// widgets never see core types, so they can be built and tested before the analysis exists.
#pragma once

#include <QString>
#include <QVector>

namespace rnnpool {

struct LayerRow {
  QString name;
  QString op;    // "Conv2d", "RNNPool", ...
  QString block; // architectural block ("mob.0"), may be empty
  QString inputShapes;
  QString outputShape;
  qint64 bytesF32 = 0; // output activation bytes
  qint64 bytesI8 = 0;
  qint64 params = -1; // negative: unknown
  qint64 madds = -1;  // negative: unknown
  double hostMs = -1; // negative: not measured
  double deviceMs = -1;
};

using LayerRows = QVector<LayerRow>;

} // namespace rnnpool
