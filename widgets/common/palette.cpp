// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/common/palette.h"

#include <QHash>

namespace rnnpool {

QColor colorForOp(const QString &op) {
  static const QHash<QString, QColor> known = {
      {"RNNPool", QColor(220, 40, 60)},           {"Conv2d", QColor(70, 130, 200)},
      {"DepthwiseConv2d", QColor(120, 180, 230)}, {"Add", QColor(150, 150, 150)},
      {"L2Norm", QColor(160, 110, 200)},          {"ReplicatePad", QColor(200, 170, 60)},
      {"GlobalAvgPool", QColor(90, 170, 120)},    {"FullyConnected", QColor(60, 160, 160)},
  };
  if (auto it = known.find(op); it != known.end()) return *it;
  return colorForIndex(int(qHash(op) % 17));
}

QColor colorForKind(const QString &kind) {
  static const QHash<QString, QColor> known = {
      {"tensor", QColor(70, 130, 200)}, {"scratch", QColor(240, 160, 60)},
      {"state", QColor(220, 40, 60)},   {"ring", QColor(160, 110, 200)},
      {"input", QColor(90, 170, 120)},  {"candidates", QColor(200, 170, 60)},
  };
  if (auto it = known.find(kind); it != known.end()) return *it;
  return QColor(150, 150, 150);
}

QColor colorForIndex(int index) {
  // Golden-angle hue steps keep neighbouring indices apart.
  const int hue = int((index * 137.508)) % 360;
  return QColor::fromHsv(hue, 150 + (index % 3) * 30, 210 - (index % 2) * 40);
}

} // namespace rnnpool
