// SPDX-License-Identifier: GPL-3.0-or-later
// The one selected and the one hovered layer, shared by every view: selecting a layer in the
// table, the chart or the RAM timeline highlights it everywhere. Layers are graph-order indices;
// -1 means none.
#pragma once

#include <QObject>
#include <QStringList>

namespace rnnpool {

class LayerSelection : public QObject {
  Q_OBJECT
public:
  explicit LayerSelection(QObject *parent = nullptr) : QObject(parent) {}

  // Names in graph order, so views keyed by name (the RAM plan's steps) can follow the selection.
  void setLayerNames(const QStringList &names);
  const QStringList &layerNames() const { return names_; }
  int indexOf(const QString &name) const { return names_.indexOf(name); }

  int currentLayer() const { return current_; }
  QString currentLayerName() const { return nameAt(current_); }
  int hoveredLayer() const { return hovered_; }

public slots:
  void setCurrentLayer(int layer);
  void setHoveredLayer(int layer);

signals:
  void currentLayerChanged(int layer);
  void hoveredLayerChanged(int layer);

private:
  QString nameAt(int layer) const {
    return layer >= 0 && layer < names_.size() ? names_[layer] : QString();
  }
  int clamp(int layer) const { return layer >= 0 && layer < names_.size() ? layer : -1; }

  QStringList names_;
  int current_ = -1;
  int hovered_ = -1;
};

} // namespace rnnpool
