// SPDX-License-Identifier: GPL-3.0-or-later
// The layer table and the activation-bytes chart, side by side, both following the shared
// LayerSelection: picking a row selects the layer everywhere and vice versa.
#pragma once

#include "widgets/model/layer_row.h"

#include <QWidget>

class QTableView;

namespace rnnpool {

class LayerChart;
class LayerSelection;
class LayerTableModel;

class LayerView : public QWidget {
  Q_OBJECT
public:
  LayerView(LayerSelection *selection, QWidget *parent = nullptr);

  void setLayers(const QVector<LayerRow> &rows);
  // Per-layer host times from the newest frame (graph order); only the time column changes.
  void updateHostTimes(const QVector<double> &hostMs);
  // Per-layer device numbers (graph order; negative: not reported) in `unit` ("ms", "M instr").
  void updateDeviceTimes(const QVector<double> &deviceMs,
                         const QString &unit = QStringLiteral("ms"));

  LayerTableModel *model() const { return model_; }
  QTableView *table() const { return table_; }
  LayerChart *chart() const { return chart_; }
  // The row selected in the table; -1 when none.
  int selectedRow() const;

private:
  void selectRow(int layer);

  LayerSelection *selection_;
  LayerTableModel *model_;
  QTableView *table_;
  LayerChart *chart_;
};

} // namespace rnnpool
