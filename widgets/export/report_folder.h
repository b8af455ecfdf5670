// SPDX-License-Identifier: GPL-3.0-or-later
// "Export report folder": every chart (PNG and SVG), the layer table and the current plan (CSV and
// JSON) and a README summarising them, written into one folder in one go.
#pragma once

#include "widgets/model/layer_row.h"
#include "widgets/model/memory_plan_view.h"

#include <QPair>
#include <QString>
#include <QStringList>
#include <QVector>

class QCustomPlot;

namespace rnnpool {

struct ReportContent {
  QVector<QPair<QString, QCustomPlot *>> charts; // file stem -> chart
  QVector<LayerRow> layers;
  MemoryPlanView plan;
  QString layersCsv;   // as the table exports it
  QStringList summary; // free lines for the README (source, FPS, model state, ...)
};

struct ReportResult {
  QStringList written; // file names relative to the folder
  QString error;       // empty on success
};

ReportResult writeReportFolder(const QString &folder, const ReportContent &content);

} // namespace rnnpool
