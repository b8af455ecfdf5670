// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/studio/stub_backend.h"

#include "core/model/shape_inference.h"
#include "core/model/zoo.h"

#include <QObject>
#include <QStringList>

namespace rnnpool {

QVector<LayerRow> StubStudioBackend::layers() {
  QVector<LayerRow> rows;
  try {
    const Graph graph = make_rnnpool_face_m4();
    const auto shapes = infer_shapes(graph);
    for (const Layer &layer : graph.layers) {
      LayerRow row;
      row.name = QString::fromStdString(layer.name);
      row.op = QString::fromLatin1(op_name(layer.op));
      row.block = QString::fromStdString(layer.block);
      QStringList inputs;
      for (const std::string &input : layer.inputs)
        inputs << QString::fromStdString(shapes.at(input).to_string());
      row.inputShapes = inputs.join(", ");
      const Shape out = shapes.at(layer.name);
      row.outputShape = QString::fromStdString(out.to_string());
      row.bytesF32 = qint64(out.elements()) * 4;
      row.bytesI8 = qint64(out.elements());
      rows.append(row);
    }
  } catch (const std::exception &) {
    // An inconsistent zoo graph is a core bug caught by the core's tests; show an empty table.
    rows.clear();
  }
  return rows;
}

MemoryPlanView StubStudioBackend::plan(const QString &strategy, const QString &dtype) {
  MemoryPlanView empty;
  empty.strategy = strategy;
  empty.dtype = dtype;
  return empty;
}

QString StubStudioBackend::statusMessage() const {
  return QObject::tr("Model not loaded: no detections, per-layer analysis or memory plan yet");
}

} // namespace rnnpool
