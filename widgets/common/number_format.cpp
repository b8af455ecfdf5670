// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/common/number_format.h"

#include <QLocale>

namespace rnnpool {

namespace {
const QLocale &grouping() {
  static const QLocale locale(QLocale::English, QLocale::UnitedStates);
  return locale;
}
const QString kUnknown = QStringLiteral("\u2014");
} // namespace

QString formatCount(qint64 value) {
  return value < 0 ? kUnknown : grouping().toString(value);
}

QString formatMs(double ms) {
  return ms < 0 ? kUnknown : QString::number(ms, 'f', ms < 10 ? 3 : 2);
}

QString formatBytes(qint64 bytes) {
  return QStringLiteral("%1 bytes (%2 KiB)")
      .arg(grouping().toString(bytes))
      .arg(double(bytes) / 1024.0, 0, 'f', 1);
}

QString csvCell(const QVariant &value) {
  if (!value.isValid() || value.isNull()) return {};
  QString text = value.toString();
  if (text.contains(',') || text.contains('"') || text.contains('\n'))
    text = '"' + text.replace('"', "\"\"") + '"';
  return text;
}

} // namespace rnnpool
