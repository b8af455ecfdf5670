// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/studio/core_adapters.h"

#include <QStringList>

namespace rnnpool {

QVector<LayerRow> layerRowsFromStats(const GraphStats &stats) {
  QVector<LayerRow> rows;
  rows.reserve(qsizetype(stats.layers.size()));
  for (const LayerStats &layer : stats.layers) {
    LayerRow row;
    row.name = QString::fromStdString(layer.name);
    row.op = QString::fromLatin1(op_name(layer.op));
    row.block = QString::fromStdString(layer.block);
    QStringList inputs;
    for (const Shape &shape : layer.input_shapes)
      inputs << QString::fromStdString(shape.to_string());
    row.inputShapes = inputs.join(", ");
    row.outputShape = QString::fromStdString(layer.output_shape.to_string());
    row.bytesF32 = qint64(layer.output_bytes(kFloat32Bytes));
    row.bytesI8 = qint64(layer.output_bytes(kInt8Bytes));
    row.params = qint64(layer.params);
    row.madds = qint64(layer.madds);
    rows.append(row);
  }
  return rows;
}

MemoryPlanView planViewFromPlan(const MemoryPlan &plan, const std::string &input_name,
                                const std::map<std::string, std::string> &kind_override) {
  MemoryPlanView view;
  view.strategy = QString::fromStdString(plan.strategy);
  view.dtype = QString::fromLatin1(dtype_name(plan.dtype));
  view.peakBytes = qint64(plan.peak_bytes);
  view.arenaBytes = qint64(plan.arena_bytes);
  view.peakStep = plan.steps.empty() ? -1 : plan.peak_step;

  // Kinds once per buffer, not once per (step, buffer).
  QVector<PlanBuffer> buffers;
  buffers.reserve(qsizetype(plan.buffers.size()));
  for (std::size_t b = 0; b < plan.buffers.size(); ++b) {
    const BufferLifetime &lifetime = plan.buffers[b];
    PlanBuffer buffer;
    buffer.name = QString::fromStdString(lifetime.name);
    buffer.offset = qint64(plan.offsets.at(b));
    buffer.bytes = qint64(lifetime.bytes);
    if (auto it = kind_override.find(lifetime.name); it != kind_override.end())
      buffer.kind = QString::fromStdString(it->second);
    else if (lifetime.kind == BufferKind::Tensor && lifetime.name == input_name)
      buffer.kind = QStringLiteral("input");
    else
      buffer.kind = QString::fromLatin1(buffer_kind_name(lifetime.kind));
    buffers.append(buffer);
  }

  view.steps.reserve(qsizetype(plan.steps.size()));
  for (const PlanStep &step : plan.steps) {
    PlanViewStep out;
    out.layer = QString::fromStdString(step.layer);
    out.liveBytes = qint64(step.live_bytes);
    out.buffers.reserve(qsizetype(step.live.size()));
    for (std::size_t b : step.live)
      out.buffers.append(buffers.at(qsizetype(b)));
    view.steps.append(out);
  }
  return view;
}

} // namespace rnnpool
