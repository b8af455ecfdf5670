// SPDX-License-Identifier: GPL-3.0-or-later
// The coalescing refresher turns many markDirty calls into one replot per tick, and chart export
// writes real PNG/SVG/PDF files.
#include "widgets/common/chart_export.h"
#include "widgets/common/plot_refresher.h"

#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <qcustomplot.h>

using namespace rnnpool;

namespace {
QCustomPlot *makePlot() {
  auto *plot = new QCustomPlot;
  plot->addGraph();
  for (int i = 0; i < 100; ++i)
    plot->graph(0)->addData(i, i * i);
  plot->rescaleAxes();
  return plot;
}
} // namespace

class TestPlotRefresher : public QObject {
  Q_OBJECT
private slots:
  void manyMarksBecomeOneReplotPerTick() {
    PlotRefresher refresher;
    std::unique_ptr<QCustomPlot> plot(makePlot());
    std::unique_ptr<QCustomPlot> other(makePlot());
    // QCustomPlot queues one replot of its own on construction; let it happen first.
    QTest::qWait(10);
    QSignalSpy replots(plot.get(), &QCustomPlot::afterReplot);
    QSignalSpy other_replots(other.get(), &QCustomPlot::afterReplot);
    // A burst of 1000 samples arriving between two ticks...
    for (int i = 0; i < 1000; ++i) {
      plot->graph(0)->addData(100 + i, i);
      refresher.markDirty(plot.get());
    }
    refresher.markDirty(other.get());
    QVERIFY(refresher.isDirty(plot.get()));
    QCOMPARE(replots.size(), 0); // nothing is drawn synchronously
    // ...costs exactly one replot of each dirty plot.
    QTRY_COMPARE(refresher.replotCount(), qint64(2));
    QCOMPARE(replots.size(), 1);
    QCOMPARE(other_replots.size(), 1);
    QVERIFY(!refresher.isDirty(plot.get()));
    // Nothing new: no further replots however long we wait.
    QTest::qWait(5 * PlotRefresher::kIntervalMs);
    QCOMPARE(replots.size(), 1);
    refresher.markDirty(plot.get());
    QTRY_COMPARE(replots.size(), 2);
  }

  void destroyedPlotIsSkipped() {
    PlotRefresher refresher;
    auto *plot = makePlot();
    refresher.markDirty(plot);
    delete plot;
    refresher.flush(); // must not touch the dead plot
    QCOMPARE(refresher.replotCount(), qint64(0));
  }

  void exportWritesRealFiles() {
    QTemporaryDir dir;
    std::unique_ptr<QCustomPlot> plot(makePlot());
    const QString png = dir.filePath("chart.png");
    QCOMPARE(savePng(plot.get(), png, 640, 400), QString());
    const QImage image(png);
    QCOMPARE(image.size(), QSize(640, 400));
    const QString svg = dir.filePath("chart.svg");
    QCOMPARE(saveChart(plot.get(), svg), QString());
    QFile svg_file(svg);
    QVERIFY(svg_file.open(QIODevice::ReadOnly));
    QVERIFY(svg_file.readAll().contains("<svg"));
    const QString pdf = dir.filePath("chart.pdf");
    QCOMPARE(saveChart(plot.get(), pdf), QString());
    QVERIFY(QFileInfo(pdf).size() > 0);
    QVERIFY(saveChart(plot.get(), dir.filePath("chart.bmpx")).contains("Unknown chart format"));
    QVERIFY(!savePng(plot.get(), "/nonexistent-dir/x.png").isEmpty());
  }
};

QTEST_MAIN(TestPlotRefresher)
#include "tst_plot_refresher.moc"
