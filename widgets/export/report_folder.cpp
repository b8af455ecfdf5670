// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/export/report_folder.h"

#include "widgets/common/chart_export.h"
#include "widgets/common/number_format.h"
#include "widgets/common/plot_refresher.h"
#include "widgets/export/plan_export.h"

#include <QDateTime>
#include <QDir>

namespace rnnpool {

ReportResult writeReportFolder(const QString &folder, const ReportContent &content) {
  ReportResult result;
  QDir dir(folder);
  if (!dir.mkpath(".")) {
    result.error = QObject::tr("Could not create the report folder %1").arg(folder);
    return result;
  }
  PlotRefresher::instance().flush(); // charts show their latest data in the files
  auto record = [&](const QString &name, const QString &error) {
    if (!error.isEmpty() && result.error.isEmpty()) result.error = error;
    if (error.isEmpty()) result.written << name;
  };
  for (const auto &[stem, plot] : content.charts) {
    // One fixed size: a chart in a hidden dock would otherwise export at whatever size it had.
    record(stem + ".png", savePng(plot, dir.filePath(stem + ".png"), 1400, 700));
    record(stem + ".svg", saveSvg(plot, dir.filePath(stem + ".svg"), 1400, 700));
  }
  record("layers.csv", writeFile(dir.filePath("layers.csv"), content.layersCsv.toUtf8()));
  record("layers.json", writeFile(dir.filePath("layers.json"), layersToJson(content.layers)));
  if (!content.plan.isEmpty()) {
    record("plan.csv", writeFile(dir.filePath("plan.csv"), planToCsv(content.plan).toUtf8()));
    record("plan.json", writeFile(dir.filePath("plan.json"), planToJson(content.plan)));
  }

  QStringList readme{"# RNNPool Studio report", "",
                     "Written " + QDateTime::currentDateTime().toString(Qt::ISODate), ""};
  for (const QString &line : content.summary)
    readme << "- " + line;
  qint64 total_f32 = 0, total_i8 = 0, largest = 0;
  QString largest_name;
  for (const LayerRow &r : content.layers) {
    total_f32 += r.bytesF32;
    total_i8 += r.bytesI8;
    if (r.bytesF32 > largest) largest = r.bytesF32, largest_name = r.name;
  }
  readme << QStringLiteral("- layers: %1; largest activation %2 (%3, f32)")
                .arg(content.layers.size())
                .arg(largest_name.isEmpty() ? "-" : largest_name, formatBytes(largest));
  readme << QStringLiteral("- sum of activations: f32 %1, i8 %2")
                .arg(formatBytes(total_f32), formatBytes(total_i8));
  if (content.plan.isEmpty()) {
    readme << "- memory plan: none available";
  } else {
    const PlanViewStep *peak =
        content.plan.peakStep >= 0 && content.plan.peakStep < content.plan.steps.size()
            ? &content.plan.steps[content.plan.peakStep]
            : nullptr;
    readme << QStringLiteral("- memory plan %1/%2: peak %3 at %4, arena %5")
                  .arg(content.plan.strategy, content.plan.dtype,
                       formatBytes(content.plan.peakBytes), peak ? peak->layer : "?",
                       formatBytes(content.plan.arenaBytes));
  }
  readme << ""
         << "## Files"
         << "";
  for (const QString &name : result.written)
    readme << "- " + name;
  record("README.md", writeFile(dir.filePath("README.md"), (readme.join('\n') + '\n').toUtf8()));
  return result;
}

} // namespace rnnpool
