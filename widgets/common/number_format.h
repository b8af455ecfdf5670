// SPDX-License-Identifier: GPL-3.0-or-later
// How numbers read in every view: fixed English grouping ("1,234,567") regardless of the
// system locale, so screenshots and tests look the same everywhere.
#pragma once

#include <QString>
#include <QVariant>

namespace rnnpool {

// "1,234"; an em dash for negative (unknown) counts.
QString formatCount(qint64 value);
// "12.34"; an em dash for negative (unmeasured) times.
QString formatMs(double ms);
// "76,800 bytes (75.0 KiB)".
QString formatBytes(qint64 bytes);
// One CSV cell: numbers as-is, text quoted when it holds a comma, quote or newline.
QString csvCell(const QVariant &value);

} // namespace rnnpool
