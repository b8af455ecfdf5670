// SPDX-License-Identifier: GPL-3.0-or-later
// Saves any QCustomPlot to a file: PNG (raster), SVG (vector, via Qt Svg) or PDF.
#pragma once

#include <QString>

class QCustomPlot;

namespace rnnpool {

// Each returns an empty string on success, otherwise one plain sentence naming the file.
// Width/height 0 keep the plot's on-screen size (or 1200x700 when it was never shown).
QString savePng(QCustomPlot *plot, const QString &path, int width = 0, int height = 0);
QString saveSvg(QCustomPlot *plot, const QString &path, int width = 0, int height = 0);
QString savePdf(QCustomPlot *plot, const QString &path, int width = 0, int height = 0);
// Picks the format from the file suffix (.png, .svg, .pdf).
QString saveChart(QCustomPlot *plot, const QString &path);

} // namespace rnnpool
