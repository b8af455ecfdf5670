// SPDX-License-Identifier: GPL-3.0-or-later
// Colours shared by the charts, so an op or a buffer kind looks the same in every view.
#pragma once

#include <QColor>
#include <QString>

namespace rnnpool {

QColor colorForOp(const QString &op);     // RNNPool gets the loudest colour; case-insensitive
bool isRnnPoolOp(const QString &op);      // "rnnpool" in any case
QColor colorForKind(const QString &kind); // tensor | scratch | state | input, streaming: band |
                                          // ring | row | candidates
QColor colorForIndex(int index);          // distinct hues for "stack by buffer"

inline const QColor kHostBoxColor{40, 200, 70};
inline const QColor kDeviceBoxColor{255, 140, 0};
inline const QColor kSelectionColor{20, 20, 20};

} // namespace rnnpool
