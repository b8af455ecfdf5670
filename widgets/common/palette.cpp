// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/common/palette.h"

#include <QHash>

namespace rnnpool {

QColor colorForOp(const QString &op) {
  // Keys are lower case: core names ops "conv2d", "rnnpool", ...; adapters may capitalise.
  static const QHash<QString, QColor> known = {
      {"rnnpool", QColor(220, 40, 60)},
      {"conv2d", QColor(70, 130, 200)},
      {"depthwise_conv2d", QColor(120, 180, 230)},
      {"add", QColor(150, 150, 150)},
      {"l2norm", QColor(160, 110, 200)},
      {"replicate_pad", QColor(200, 170, 60)},
      {"global_avg_pool", QColor(90, 170, 120)},
      {"fully_connected", QColor(60, 160, 160)},
  };
  if (auto it = known.find(op.toLower()); it != known.end()) return *it;
  return colorForIndex(int(qHash(op.toLower()) % 17));
}

bool isRnnPoolOp(const QString &op) {
  return op.compare(QLatin1String("rnnpool"), Qt::CaseInsensitive) == 0;
}

QColor colorForKind(const QString &kind) {
  static const QHash<QString, QColor> known = {
      {"tensor", QColor(70, 130, 200)}, {"scratch", QColor(240, 160, 60)},
      {"state", QColor(220, 40, 60)},   {"ring", QColor(160, 110, 200)},
      {"input", QColor(90, 170, 120)},  {"candidates", QColor(200, 170, 60)},
      {"band", QColor(60, 170, 190)},   {"row", QColor(120, 140, 170)},
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
