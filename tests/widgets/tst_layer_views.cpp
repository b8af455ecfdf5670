// SPDX-License-Identifier: GPL-3.0-or-later
// Layer table model, layer chart and the shared selection: formatting, time-column updates, and a
// selection made in one view (table row click, chart bar click) highlighted in every other view.
#include "studio_test_backend.h"
#include "widgets/common/plot_refresher.h"
#include "widgets/layers/layer_chart.h"
#include "widgets/layers/layer_view.h"
#include "widgets/model/layer_selection.h"
#include "widgets/model/layer_table_model.h"
#include "widgets/ram/memory_map_chart.h"
#include "widgets/ram/ram_timeline_chart.h"
#include "widgets/ram/ram_view.h"

#include <QSignalSpy>
#include <QTableView>
#include <QtTest>
#include <qcustomplot.h>

using namespace rnnpool;

class TestLayerViews : public QObject {
  Q_OBJECT
private slots:
  void modelFormatsNumbersWithSeparatorsRightAligned() {
    test::TestStudioBackend backend;
    LayerTableModel model;
    model.setLayers(backend.layers());
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.columnCount(), int(LayerTableModel::ColumnCount));
    const QModelIndex bytes = model.index(2, LayerTableModel::BytesF32);
    QCOMPARE(model.data(bytes, Qt::DisplayRole).toString(), QString("614,400"));
    QCOMPARE(model.data(bytes, Qt::UserRole).toLongLong(), 614400);
    QVERIFY(model.data(bytes, Qt::TextAlignmentRole).toInt() & Qt::AlignRight);
    QVERIFY(model.data(model.index(2, LayerTableModel::Name), Qt::TextAlignmentRole).toInt() &
            Qt::AlignLeft);
    QCOMPARE(model.data(model.index(0, LayerTableModel::MAdds), Qt::DisplayRole).toString(),
             QString("1,234,567"));
    // Unmeasured times show a dash and export as empty cells.
    QCOMPARE(model.data(model.index(0, LayerTableModel::HostMs), Qt::DisplayRole).toString(),
             QString("\u2014"));
    const QStringList csv = model.toCsv().split('\n');
    QCOMPARE(csv[0],
             QString("layer,op,input,output,bytes f32,bytes i8,params,MAdds,host ms,device ms"));
    QCOMPARE(csv[1], QString("conv,conv2d,320x240x1,160x120x4,307200,76800,100,1234567,,"));
  }

  void updateTimesAnnouncesOnlyTheTimeColumn() {
    test::TestStudioBackend backend;
    LayerTableModel model;
    model.setLayers(backend.layers());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.updateTimes({1.5, 2.25, 0.125, 3, 4});
    QCOMPARE(changed.size(), 1);
    QCOMPARE(reset.size(), 0);
    const auto from = changed[0][0].value<QModelIndex>();
    const auto to = changed[0][1].value<QModelIndex>();
    QCOMPARE(from.column(), int(LayerTableModel::HostMs));
    QCOMPARE(to.column(), int(LayerTableModel::HostMs));
    QCOMPARE(to.row(), 4);
    QCOMPARE(model.data(model.index(1, LayerTableModel::HostMs), Qt::DisplayRole).toString(),
             QString("2.250"));
  }

  // QEMU reports instructions, not time: the device column's header says which unit it holds.
  void deviceColumnNamesItsUnit() {
    test::TestStudioBackend backend;
    LayerTableModel model;
    model.setLayers(backend.layers());
    QSignalSpy header(&model, &QAbstractItemModel::headerDataChanged);
    model.setDeviceTimeUnit("M instr");
    QCOMPARE(header.size(), 1);
    QCOMPARE(
        model.headerData(LayerTableModel::DeviceMs, Qt::Horizontal, Qt::DisplayRole).toString(),
        QString("device M instr"));
    model.updateDeviceTimes({24.1, -1});
    QCOMPARE(model.data(model.index(0, LayerTableModel::DeviceMs), Qt::DisplayRole).toString(),
             QString("24.10"));
    QCOMPARE(model.data(model.index(1, LayerTableModel::DeviceMs), Qt::DisplayRole).toString(),
             QString("\u2014"));
  }

  void selectingARowHighlightsTheLayerEverywhere() {
    test::TestStudioBackend backend;
    LayerSelection selection;
    QWidget window;
    auto *layout = new QVBoxLayout(&window);
    auto *layers = new LayerView(&selection, &window);
    auto *ram = new RamView(&selection, &window);
    layout->addWidget(layers);
    layout->addWidget(ram);
    layers->setLayers(backend.layers());
    ram->setPlan(backend.plan("layer", "f32"));
    window.resize(1200, 1000);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(layers->chart()->highlightedLayer(), -1);

    // A real click on the table's third row.
    QSignalSpy current(&selection, &LayerSelection::currentLayerChanged);
    QTableView *table = layers->table();
    const QRect cell = table->visualRect(layers->model()->index(2, 0));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(selection.currentLayer(), 2);
    QCOMPARE(current.size(), 1);
    QCOMPARE(layers->chart()->highlightedLayer(), 2);
    QCOMPARE(ram->highlightedStep(), 2); // the plan's step for mob.0.expand
    QCOMPARE(ram->memoryMap()->highlightedStep(), 2);

    // Hovering a layer (here: from the selection, as the table's entered() does) outlines it in
    // the chart and on the RAM timeline.
    selection.setHoveredLayer(3);
    QCOMPARE(layers->chart()->hoveredLayer(), 3);
    QCOMPARE(ram->timeline()->hoveredStep(), 3);
    selection.setHoveredLayer(-1);
    QCOMPARE(layers->chart()->hoveredLayer(), -1);

    // Selecting from elsewhere (the selection object) moves the table's row too.
    selection.setCurrentLayer(4);
    QCOMPARE(layers->selectedRow(), 4);
    QCOMPARE(layers->chart()->highlightedLayer(), 4);
    QCOMPARE(ram->highlightedStep(), 4);
  }

  void clickingABarSelectsAndHoveringReportsTheLayer() {
    test::TestStudioBackend backend;
    LayerSelection selection;
    LayerView view(&selection);
    view.setLayers(backend.layers());
    view.resize(900, 800);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCustomPlot *plot = view.chart()->plot();
    plot->replot(); // lays out the axis rect so pixel coordinates are valid
    const QPoint bar(int(plot->xAxis->coordToPixel(1)), int(plot->yAxis->coordToPixel(1000)));
    QCOMPARE(view.chart()->layerAt(bar), 1);
    QTest::mouseMove(plot, bar);
    QTRY_COMPARE(selection.hoveredLayer(), 1);
    QCOMPARE(view.chart()->hoveredLayer(), 1);
    QTest::mouseClick(plot, Qt::LeftButton, {}, bar);
    QCOMPARE(selection.currentLayer(), 1);
    QCOMPARE(view.selectedRow(), 1);
    QCOMPARE(view.chart()->highlightedLayer(), 1);
    // Between bars is not a layer.
    const QPoint gap(int(plot->xAxis->coordToPixel(1.5)), bar.y());
    QCOMPARE(view.chart()->layerAt(gap), -1);
  }

  void dtypeAndLogScaleChangeTheValueAxis() {
    test::TestStudioBackend backend;
    LayerSelection selection;
    LayerChart chart(&selection);
    chart.setLayers(backend.layers());
    QCustomPlot *plot = chart.plot();
    const double f32_top = plot->yAxis->range().upper;
    chart.setDtype(LayerChart::Dtype::I8);
    QVERIFY(plot->yAxis->range().upper < f32_top / 3); // i8 is a quarter of f32
    chart.setLogScale(true);
    QCOMPARE(plot->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(plot->yAxis->range().lower > 0);
    // The legend has one entry per op.
    QCOMPARE(plot->legend->itemCount(), 2);
  }
};

QTEST_MAIN(TestLayerViews)
#include "tst_layer_views.moc"
