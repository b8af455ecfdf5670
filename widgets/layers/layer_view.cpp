// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/layers/layer_view.h"

#include "widgets/layers/layer_chart.h"
#include "widgets/model/layer_selection.h"
#include "widgets/model/layer_table_model.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace rnnpool {

LayerView::LayerView(LayerSelection *selection, QWidget *parent)
    : QWidget(parent), selection_(selection) {
  model_ = new LayerTableModel(this);
  table_ = new QTableView(this);
  table_->setObjectName("layerTable");
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setAlternatingRowColors(true);
  table_->setMouseTracking(true);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  table_->verticalHeader()->setVisible(false);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setMinimumSize(300, 160);
  chart_ = new LayerChart(selection_, this);

  auto *splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(table_);
  splitter->addWidget(chart_);
  splitter->setStretchFactor(0, 2);
  splitter->setStretchFactor(1, 3);
  splitter->setChildrenCollapsible(false);
  auto *layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(splitter);

  // Follow the selection, not the current index: focusing the table moves the current index to
  // the first row, which must not select a layer by itself.
  connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          [this] { selection_->setCurrentLayer(selectedRow()); });
  connect(table_, &QTableView::entered, this,
          [this](const QModelIndex &index) { selection_->setHoveredLayer(index.row()); });
  connect(selection_, &LayerSelection::currentLayerChanged, this, &LayerView::selectRow);
}

void LayerView::setLayers(const QVector<LayerRow> &rows) {
  model_->setLayers(rows);
  QStringList names;
  for (const LayerRow &row : rows)
    names << row.name;
  selection_->setLayerNames(names);
  chart_->setLayers(rows);
  table_->resizeColumnsToContents();
}

void LayerView::updateHostTimes(const QVector<double> &hostMs) {
  model_->updateTimes(hostMs);
}

void LayerView::updateDeviceTimes(const QVector<double> &deviceMs, const QString &unit) {
  model_->setDeviceTimeUnit(unit);
  model_->updateDeviceTimes(deviceMs);
}

int LayerView::selectedRow() const {
  const QModelIndexList rows = table_->selectionModel()->selectedRows();
  return rows.isEmpty() ? -1 : rows.first().row();
}

void LayerView::selectRow(int layer) {
  if (layer == selectedRow()) return;
  if (layer < 0) {
    table_->selectionModel()->clearSelection();
    return;
  }
  const QModelIndex index = model_->index(layer, 0);
  table_->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                       QItemSelectionModel::Rows);
  table_->scrollTo(index);
}

} // namespace rnnpool
