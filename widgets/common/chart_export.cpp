// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/common/chart_export.h"

#include <QFileInfo>
#include <QSvgGenerator>
#include <qcustomplot.h>

namespace rnnpool {

namespace {

QSize exportSize(const QCustomPlot *plot, int width, int height) {
  if (width > 0 && height > 0) return {width, height};
  // A plot that was never laid out reports a tiny default size: use a readable one instead.
  if (plot->width() >= 200 && plot->height() >= 150) return plot->size();
  return {1200, 700};
}

QString failure(const QString &path) {
  return QObject::tr("Could not write %1: is the folder writable?").arg(path);
}

} // namespace

QString savePng(QCustomPlot *plot, const QString &path, int width, int height) {
  if (!plot) return QObject::tr("No chart to export to %1").arg(path);
  const QSize size = exportSize(plot, width, height);
  return plot->savePng(path, size.width(), size.height()) ? QString() : failure(path);
}

QString saveSvg(QCustomPlot *plot, const QString &path, int width, int height) {
  if (!plot) return QObject::tr("No chart to export to %1").arg(path);
  const QSize size = exportSize(plot, width, height);
  QSvgGenerator generator;
  generator.setFileName(path);
  generator.setSize(size);
  generator.setViewBox(QRect(QPoint(0, 0), size));
  generator.setTitle(plot->objectName());
  QCPPainter painter;
  if (!painter.begin(&generator)) return failure(path);
  plot->toPainter(&painter, size.width(), size.height());
  painter.end();
  return QFileInfo(path).size() > 0 ? QString() : failure(path);
}

QString savePdf(QCustomPlot *plot, const QString &path, int width, int height) {
  if (!plot) return QObject::tr("No chart to export to %1").arg(path);
  const QSize size = exportSize(plot, width, height);
  return plot->savePdf(path, size.width(), size.height()) ? QString() : failure(path);
}

QString saveChart(QCustomPlot *plot, const QString &path) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == "png") return savePng(plot, path);
  if (suffix == "svg") return saveSvg(plot, path);
  if (suffix == "pdf") return savePdf(plot, path);
  return QObject::tr("Unknown chart format '%1' for %2 (use .png, .svg or .pdf)").arg(suffix, path);
}

} // namespace rnnpool
