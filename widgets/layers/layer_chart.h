// SPDX-License-Identifier: GPL-3.0-or-later
// Activation bytes per layer as a bar chart: one bar per layer in graph order, coloured by op (with
// a legend), RNNPool marked, the selected layer outlined. Hovering shows a tooltip and sets the
// shared hovered layer; clicking selects.
#pragma once

#include "widgets/model/layer_row.h"

#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCPItemText;
class QCheckBox;
class QComboBox;
class QMouseEvent;

namespace rnnpool {

class LayerSelection;

class LayerChart : public QWidget {
  Q_OBJECT
public:
  enum class Dtype { F32, I8 };

  LayerChart(LayerSelection *selection, QWidget *parent = nullptr);

  void setLayers(const QVector<LayerRow> &rows);

  void setDtype(Dtype dtype);
  Dtype dtype() const { return dtype_; }
  void setLogScale(bool log);
  bool logScale() const { return log_; }

  // The layer drawn with the selection outline; -1 when none.
  int highlightedLayer() const { return highlighted_; }
  // The layer drawn with the hover outline (hovered here or in another view); -1 when none.
  int hoveredLayer() const { return hovered_; }
  // Layer under a widget-relative position of the plot; -1 when over no bar.
  int layerAt(const QPointF &plotPos) const;
  QCustomPlot *plot() const { return plot_; }

private:
  void rebuild();
  void updateHighlight();
  void updateHover();
  void updateValueAxis();
  qint64 bytesOf(const LayerRow &row) const;
  void onMouseMove(QMouseEvent *event);
  void onMousePress(QMouseEvent *event);

  LayerSelection *selection_;
  QCustomPlot *plot_;
  QComboBox *dtype_box_;
  QCheckBox *log_box_;
  QCPBars *highlight_bars_ = nullptr;
  QCPBars *hover_bars_ = nullptr;
  QVector<LayerRow> rows_;
  Dtype dtype_ = Dtype::F32;
  bool log_ = false;
  int highlighted_ = -1;
  int hovered_ = -1;
};

} // namespace rnnpool
