// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/model/layer_table_model.h"

#include "widgets/common/number_format.h"

namespace rnnpool {

void LayerTableModel::setLayers(const QVector<LayerRow> &rows) {
  beginResetModel();
  rows_ = rows;
  endResetModel();
}

void LayerTableModel::updateTimes(const QVector<double> &hostMs) {
  if (rows_.isEmpty()) return;
  const int n = std::min<int>(rows_.size(), hostMs.size());
  for (int i = 0; i < n; ++i)
    rows_[i].hostMs = hostMs[i];
  if (n > 0) emit dataChanged(index(0, HostMs), index(n - 1, HostMs), {Qt::DisplayRole});
}

void LayerTableModel::updateDeviceTimes(const QVector<double> &deviceMs) {
  const int n = std::min<int>(rows_.size(), deviceMs.size());
  for (int i = 0; i < n; ++i)
    rows_[i].deviceMs = deviceMs[i];
  if (n > 0) emit dataChanged(index(0, DeviceMs), index(n - 1, DeviceMs), {Qt::DisplayRole});
}

void LayerTableModel::setDeviceTimeUnit(const QString &unit) {
  if (unit == device_unit_) return;
  device_unit_ = unit;
  emit headerDataChanged(Qt::Horizontal, DeviceMs, DeviceMs);
}

int LayerTableModel::rowCount(const QModelIndex &parent) const {
  return parent.isValid() ? 0 : int(rows_.size());
}

int LayerTableModel::columnCount(const QModelIndex &parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant LayerTableModel::rawValue(const LayerRow &row, int column) const {
  switch (column) {
  case Name: return row.name;
  case Op: return row.op;
  case Input: return row.inputShapes;
  case Output: return row.outputShape;
  case BytesF32: return row.bytesF32;
  case BytesI8: return row.bytesI8;
  case Params: return row.params >= 0 ? QVariant(row.params) : QVariant();
  case MAdds: return row.madds >= 0 ? QVariant(row.madds) : QVariant();
  case HostMs: return row.hostMs >= 0 ? QVariant(row.hostMs) : QVariant();
  case DeviceMs: return row.deviceMs >= 0 ? QVariant(row.deviceMs) : QVariant();
  default: return {};
  }
}

QVariant LayerTableModel::displayValue(const LayerRow &row, int column) const {
  switch (column) {
  case BytesF32: return formatCount(row.bytesF32);
  case BytesI8: return formatCount(row.bytesI8);
  case Params: return formatCount(row.params);
  case MAdds: return formatCount(row.madds);
  case HostMs: return formatMs(row.hostMs);
  case DeviceMs: return formatMs(row.deviceMs);
  default: return rawValue(row, column);
  }
}

QVariant LayerTableModel::data(const QModelIndex &index, int role) const {
  if (!index.isValid() || index.row() >= rows_.size()) return {};
  const LayerRow &row = rows_[index.row()];
  switch (role) {
  case Qt::DisplayRole: return displayValue(row, index.column());
  case Qt::UserRole: return rawValue(row, index.column());
  case Qt::TextAlignmentRole:
    return index.column() >= BytesF32 ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                      : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
  case Qt::ToolTipRole:
    if (index.column() == Name && !row.block.isEmpty())
      return tr("%1 (block %2)").arg(row.name, row.block);
    return {};
  default: return {};
  }
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char *names[ColumnCount] = {"layer",    "op",     "input", "output",  "bytes f32",
                                           "bytes i8", "params", "MAdds", "host ms", "device ms"};
  if (section == DeviceMs) return tr("device %1").arg(device_unit_);
  return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

QString LayerTableModel::toCsv() const {
  QStringList lines;
  QStringList header;
  for (int c = 0; c < ColumnCount; ++c)
    header << headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
  lines << header.join(',');
  for (const LayerRow &row : rows_) {
    QStringList cells;
    for (int c = 0; c < ColumnCount; ++c)
      cells << csvCell(rawValue(row, c));
    lines << cells.join(',');
  }
  return lines.join('\n') + '\n';
}

} // namespace rnnpool
