// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/export/plan_export.h"

#include "widgets/common/number_format.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace rnnpool {

QString planToCsv(const MemoryPlanView &plan) {
  QStringList lines{"step,layer,live_bytes,buffer,kind,offset,bytes"};
  for (int s = 0; s < plan.steps.size(); ++s) {
    const PlanViewStep &step = plan.steps[s];
    for (const PlanBuffer &b : step.buffers)
      lines << QStringList{QString::number(s),
                           csvCell(step.layer),
                           QString::number(step.liveBytes),
                           csvCell(b.name),
                           csvCell(b.kind),
                           QString::number(b.offset),
                           QString::number(b.bytes)}
                   .join(',');
  }
  return lines.join('\n') + '\n';
}

QByteArray planToJson(const MemoryPlanView &plan) {
  QJsonArray steps;
  for (const PlanViewStep &step : plan.steps) {
    QJsonArray buffers;
    for (const PlanBuffer &b : step.buffers)
      buffers.append(QJsonObject{
          {"name", b.name}, {"kind", b.kind}, {"offset", b.offset}, {"bytes", b.bytes}});
    steps.append(
        QJsonObject{{"layer", step.layer}, {"live_bytes", step.liveBytes}, {"buffers", buffers}});
  }
  const QJsonObject root{{"strategy", plan.strategy},    {"dtype", plan.dtype},
                         {"peak_bytes", plan.peakBytes}, {"arena_bytes", plan.arenaBytes},
                         {"peak_step", plan.peakStep},   {"steps", steps}};
  return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QByteArray layersToJson(const QVector<LayerRow> &rows) {
  QJsonArray out;
  auto optional = [](double v) { return v >= 0 ? QJsonValue(v) : QJsonValue(); };
  for (const LayerRow &r : rows)
    out.append(QJsonObject{{"name", r.name},
                           {"op", r.op},
                           {"block", r.block},
                           {"input", r.inputShapes},
                           {"output", r.outputShape},
                           {"bytes_f32", r.bytesF32},
                           {"bytes_i8", r.bytesI8},
                           {"params", r.params >= 0 ? QJsonValue(r.params) : QJsonValue()},
                           {"madds", r.madds >= 0 ? QJsonValue(r.madds) : QJsonValue()},
                           {"host_ms", optional(r.hostMs)},
                           {"device_ms", optional(r.deviceMs)}});
  return QJsonDocument(out).toJson(QJsonDocument::Indented);
}

QString writeFile(const QString &path, const QByteArray &data) {
  // QSaveFile: a failed export never leaves half a file behind.
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size() || !file.commit())
    return QObject::tr("Could not write %1: %2").arg(path, file.errorString());
  return {};
}

} // namespace rnnpool
