// SPDX-License-Identifier: GPL-3.0-or-later
// Memory plans and layer tables as files: CSV for spreadsheets, JSON for scripts.
#pragma once

#include "widgets/model/layer_row.h"
#include "widgets/model/memory_plan_view.h"

#include <QByteArray>
#include <QString>

namespace rnnpool {

// One line per (step, buffer): step,layer,live_bytes,buffer,kind,offset,bytes.
QString planToCsv(const MemoryPlanView &plan);
// {"strategy","dtype","peak_bytes","arena_bytes","peak_step","steps":[{"layer","live_bytes","buffers":[...]}]}
QByteArray planToJson(const MemoryPlanView &plan);
// [{"name","op","block","input","output","bytes_f32","bytes_i8","params","madds","host_ms","device_ms"}]
QByteArray layersToJson(const QVector<LayerRow> &rows);

// Writes `data` to `path`; an empty string on success, otherwise a plain sentence naming the file.
QString writeFile(const QString &path, const QByteArray &data);

} // namespace rnnpool
