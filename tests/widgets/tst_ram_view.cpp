// SPDX-License-Identifier: GPL-3.0-or-later
// RAM view: selectors request plans, a plan's peak is labelled with the plan's own number, the
// memory map groups buffers into rectangles, the budget follows the board, measured vs planned.
#include "studio_test_backend.h"
#include "widgets/model/layer_selection.h"
#include "widgets/ram/memory_map_chart.h"
#include "widgets/ram/ram_timeline_chart.h"
#include "widgets/ram/ram_view.h"

#include <QComboBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest>
#include <qcustomplot.h>

using namespace rnnpool;

class TestRamView : public QObject {
  Q_OBJECT
private slots:
  void streamingStepsAreFoundByTheLayersTheyCompute() {
    MemoryPlanView plan;
    plan.strategy = "streaming";
    for (const char *name : {"rnn_model row 0", "mob.0.expand row 0", "mob.0 row 0",
                             "head.0.window row 0", "head.0 row 0", "rnn_model row 1"}) {
      PlanViewStep step;
      step.layer = name;
      plan.steps.push_back(step);
    }
    QCOMPARE(plan.stepOfLayer("rnn_model"), 0);
    QCOMPARE(plan.stepOfLayer("conv"), 0);
    QCOMPARE(plan.stepOfLayer("rnn_pad"), 0);
    QCOMPARE(plan.stepOfLayer("mob.0.expand"), 1);
    QCOMPARE(plan.stepOfLayer("mob.0.dw"), 2);
    QCOMPARE(plan.stepOfLayer("mob.0.project"), 2);
    QCOMPARE(plan.stepOfLayer("L2Norm3_3"), 3);
    QCOMPARE(plan.stepOfLayer("loc.0"), 4);
    QCOMPARE(plan.stepOfLayer("conf.0"), 4);
    QCOMPARE(plan.stepOfLayer("mob.3.add"), -1); // not in this plan
  }

  void changingStrategyRequestsAPlanAndShowsItsPeak() {
    test::TestStudioBackend backend;
    LayerSelection selection;
    RamView view(&selection);
    QSignalSpy requested(&view, &RamView::planRequested);
    QVERIFY(view.peakLabelText().isEmpty());

    view.strategyBox()->setCurrentIndex(view.strategyBox()->findData("paper"));
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested[0][0].toString(), QString("paper"));
    QCOMPARE(requested[0][1].toString(), QString("f32"));

    const MemoryPlanView paper = backend.plan("paper", "f32");
    view.setPlan(paper);
    QCOMPARE(paper.peakBytes, 85000);
    QCOMPARE(view.peakLabelText(), QString("peak 85,000 bytes (83.0 KiB) at mob.0.dw"));

    view.setDtype("i8");
    QCOMPARE(requested.size(), 2);
    QCOMPARE(requested[1][1].toString(), QString("i8"));
    view.setPlan(backend.plan("layer", "i8"));
    QCOMPARE(view.peakLabelText(), QString("peak 170,000 bytes (166.0 KiB) at mob.0.dw"));
  }

  void budgetFollowsTheBoardAndTheCustomSize() {
    LayerSelection selection;
    RamView view(&selection);
    QCOMPARE(view.budgetBytes(), 192 * 1024);
    QCOMPARE(view.timeline()->budget(), 192 * 1024);
    auto *board = view.findChild<QComboBox *>("ramBoard");
    auto *custom = view.findChild<QSpinBox *>("ramCustomKiB");
    QVERIFY(board && custom);
    QVERIFY(!custom->isEnabled());
    board->setCurrentIndex(board->findData(0));
    QVERIFY(custom->isEnabled());
    custom->setValue(64);
    QCOMPARE(view.timeline()->budget(), 64 * 1024);
  }

  void measuredPeakIsComparedWithThePlan() {
    test::TestStudioBackend backend;
    LayerSelection selection;
    RamView view(&selection);
    view.setPlan(backend.plan("paper", "f32"));
    QVERIFY(view.measuredText().contains("no device"));
    view.setMeasuredPeak(86024);
    QCOMPARE(view.measuredText(), QString("measured peak 86,024 vs planned 85,000 (+1,024)"));
  }

  void memoryMapMergesABufferThatStaysPut() {
    MemoryPlanView plan;
    plan.steps = {{"a", 300, {{"x", 0, 100, "tensor"}, {"s", 100, 200, "scratch"}}},
                  {"b", 300, {{"x", 0, 100, "tensor"}, {"y", 100, 200, "tensor"}}},
                  {"c", 300, {{"x", 200, 100, "tensor"}, {"y", 100, 100, "tensor"}}}};
    const auto blocks = memoryMapBlocks(plan);
    // x lives at 0 over steps 0..1, then moves (a new rectangle); y changes size (new rectangle).
    QCOMPARE(blocks.size(), 5);
    QCOMPARE(blocks[0].buffer.name, QString("x"));
    QCOMPARE(blocks[0].firstStep, 0);
    QCOMPARE(blocks[0].lastStep, 1);
    QCOMPARE(blocks[1].buffer.name, QString("s"));
    QCOMPARE(blocks[1].lastStep, 0);
    QCOMPARE(blocks[3].buffer.offset, 200);
    QCOMPARE(blocks[3].firstStep, 2);
  }

  void clickingATimelineStepSelectsItsLayer() {
    test::TestStudioBackend backend;
    LayerSelection selection;
    QStringList names;
    for (const LayerRow &r : backend.layers())
      names << r.name;
    selection.setLayerNames(names);
    RamTimelineChart chart(&selection);
    chart.setPlan(backend.plan("layer", "f32"));
    chart.resize(800, 400);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.plot()->replot();
    const QPoint step3(int(chart.plot()->xAxis->coordToPixel(3)),
                       int(chart.plot()->yAxis->coordToPixel(10)));
    QCOMPARE(chart.stepAt(step3), 3);
    QTest::mouseClick(chart.plot(), Qt::LeftButton, {}, step3);
    QCOMPARE(selection.currentLayer(), 3);
    QCOMPARE(chart.highlightedStep(), 3);
  }
};

QTEST_MAIN(TestRamView)
#include "tst_ram_view.moc"
