// SPDX-License-Identifier: GPL-3.0-or-later
// Table model over LayerRows: one row per layer in graph order. Numbers are right-aligned with
// thousands separators for display; Qt::UserRole gives the raw value (sorting, export).
#pragma once

#include "widgets/model/layer_row.h"

#include <QAbstractTableModel>

namespace rnnpool {

class LayerTableModel : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column {
    Name,
    Op,
    Input,
    Output,
    BytesF32,
    BytesI8,
    Params,
    MAdds,
    HostMs,
    DeviceMs,
    ColumnCount
  };

  explicit LayerTableModel(QObject *parent = nullptr) : QAbstractTableModel(parent) {}

  void setLayers(const QVector<LayerRow> &rows);
  const QVector<LayerRow> &layers() const { return rows_; }

  // Only the time columns change (every redraw tick), so only they are announced as changed.
  void updateTimes(const QVector<double> &hostMs);
  void updateDeviceTimes(const QVector<double> &deviceMs);
  // What the device column holds ("ms", "M instr", "M cycles"): QEMU counts instructions, not
  // time, so the header says which.
  void setDeviceTimeUnit(const QString &unit);
  QString deviceTimeUnit() const { return device_unit_; }

  int rowCount(const QModelIndex &parent = {}) const override;
  int columnCount(const QModelIndex &parent = {}) const override;
  QVariant data(const QModelIndex &index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  // The table as CSV (header + one line per layer, raw numbers, empty cells for unknowns).
  QString toCsv() const;

private:
  QVariant displayValue(const LayerRow &row, int column) const;
  QVariant rawValue(const LayerRow &row, int column) const;

  QVector<LayerRow> rows_;
  QString device_unit_ = QStringLiteral("ms");
};

} // namespace rnnpool
