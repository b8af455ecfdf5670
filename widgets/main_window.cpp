// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/main_window.h"

#include "core/capture/frame_source.h"
#include "widgets/common/chart_export.h"
#include "widgets/common/plot_refresher.h"
#include "widgets/device/device_panel.h"
#include "widgets/device/latency_plot.h"
#include "widgets/export/plan_export.h"
#include "widgets/layers/layer_chart.h"
#include "widgets/layers/layer_view.h"
#include "widgets/live/live_view.h"
#include "widgets/live/threshold_slider.h"
#include "widgets/model/layer_selection.h"
#include "widgets/model/layer_table_model.h"
#include "widgets/pipeline/pass_through_processor.h"
#include "widgets/pipeline/pipeline.h"
#include "widgets/ram/memory_map_chart.h"
#include "widgets/ram/ram_timeline_chart.h"
#include "widgets/ram/ram_view.h"
#include "widgets/sources/source_menu.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace rnnpool {

namespace {
namespace key {
const char *source = "source/last";
const char *port = "device/port";
const char *backend = "device/backend";
const char *strategy = "ram/strategy";
const char *dtype = "ram/dtype";
const char *threshold = "live/threshold";
const char *geometry = "window/geometry";
const char *state = "window/state";
} // namespace key
constexpr int kSettingsVersion = 1; // bump when docks change so old layouts are not restored
} // namespace

MainWindow::MainWindow(std::shared_ptr<StudioBackend> backend, QWidget *parent)
    : QMainWindow(parent), backend_(std::move(backend)), pipeline_(std::make_unique<Pipeline>()) {
  setWindowTitle(tr("RNNPool Studio"));
  setObjectName("mainWindow");
  selection_ = new LayerSelection(this);

  auto *central = new QWidget(this);
  auto *central_layout = new QVBoxLayout(central);
  central_layout->setContentsMargins(0, 0, 0, 0);
  central_layout->setSpacing(0);
  live_view_ = new LiveView(central);
  threshold_ = new ThresholdSlider(central);
  central_layout->addWidget(live_view_, 1);
  central_layout->addWidget(threshold_);
  setCentralWidget(central);

  buildDocks();
  buildMenus();
  model_label_ = new QLabel(this);
  model_label_->setObjectName("modelLabel");
  model_label_->setStyleSheet("color: #b00000");
  statusBar()->addPermanentWidget(model_label_);
  fps_label_ = new QLabel(this);
  fps_label_->setObjectName("fpsLabel");
  statusBar()->addPermanentWidget(fps_label_);

  connect(threshold_, &ThresholdSlider::thresholdChanged, this,
          [this](float t) { pipeline_->setThreshold(t); });
  connect(pipeline_.get(), &Pipeline::sourceStarted, this, [this](QString description, double) {
    source_description_ = description;
    live_view_->setSourceDescription(description);
  });
  connect(pipeline_.get(), &Pipeline::sourceFailed, this, &MainWindow::onSourceFailed);
  connect(pipeline_.get(), &Pipeline::sourceEnded, this,
          [this] { showStatus(tr("End of %1").arg(source_description_)); });
  connect(pipeline_.get(), &Pipeline::processingFailed, this,
          [this](QString message) { showStatus(tr("Detector failed: %1").arg(message)); });
  connect(ram_view_, &RamView::planRequested, this, &MainWindow::onPlanRequested);

  // The model side: layers, detector, status.
  if (backend_) {
    layer_view_->setLayers(backend_->layers());
    std::shared_ptr<FrameProcessor> processor = backend_->makeProcessor();
    pipeline_->setProcessor(processor ? processor : std::make_shared<PassThroughProcessor>());
    model_status_ = backend_->statusMessage();
  } else {
    pipeline_->setProcessor(std::make_shared<PassThroughProcessor>());
    model_status_ = tr("Model not loaded");
  }

  resize(1600, 1000);
  restoreSettings();
  onPlanRequested(ram_view_->strategy(), ram_view_->dtype());
  // The model's state stays visible (permanent label); transient messages go to the left.
  model_label_->setText(model_status_);
  if (!model_status_.isEmpty()) showStatus(model_status_);

  redraw_timer_.setInterval(kRedrawIntervalMs);
  connect(&redraw_timer_, &QTimer::timeout, this, &MainWindow::redraw);
  redraw_timer_.start();
}

MainWindow::~MainWindow() {
  redraw_timer_.stop();
  pipeline_.reset(); // joins the worker threads before the widgets go
}

void MainWindow::buildDocks() {
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
  layer_view_ = new LayerView(selection_, this);
  layers_dock_ = new QDockWidget(tr("Layers"), this);
  layers_dock_->setObjectName("layersDock"); // objectNames make saveState/restoreState work
  layers_dock_->setWidget(layer_view_);
  addDockWidget(Qt::RightDockWidgetArea, layers_dock_);

  ram_view_ = new RamView(selection_, this);
  ram_dock_ = new QDockWidget(tr("RAM"), this);
  ram_dock_->setObjectName("ramDock");
  ram_dock_->setWidget(ram_view_);
  addDockWidget(Qt::BottomDockWidgetArea, ram_dock_);

  device_panel_ = new DevicePanel(this);
  device_dock_ = new QDockWidget(tr("Device"), this);
  device_dock_->setObjectName("deviceDock");
  device_dock_->setWidget(device_panel_);
  addDockWidget(Qt::BottomDockWidgetArea, device_dock_);
  // The device panel is a wide form (link | results) like the RAM view: they share the bottom,
  // RAM in front, so the default view shows the frame, the layer chart and the RAM timeline.
  tabifyDockWidget(ram_dock_, device_dock_);
  ram_dock_->raise();
  // The bottom RAM dock spans the full width; the right column takes the corner.
  setCorner(Qt::BottomRightCorner, Qt::BottomDockWidgetArea);
  resizeDocks({layers_dock_}, {760}, Qt::Horizontal);
  resizeDocks({ram_dock_}, {400}, Qt::Vertical);
}

void MainWindow::buildMenus() {
  QMenu *file = menuBar()->addMenu(tr("&File"));
  QMenu *export_menu = file->addMenu(tr("&Export"));
  QMenu *charts = export_menu->addMenu(tr("Chart as PNG/SVG/PDF"));
  charts->addAction(tr("Layer bytes chart..."), this,
                    [this] { exportChartDialog(layer_view_->chart(), "layer_bytes"); });
  charts->addAction(tr("RAM timeline..."), this,
                    [this] { exportChartDialog(ram_view_->timeline(), "ram_timeline"); });
  charts->addAction(tr("Memory map..."), this,
                    [this] { exportChartDialog(ram_view_->memoryMap(), "memory_map"); });
  charts->addAction(tr("Device latency..."), this,
                    [this] { exportChartDialog(device_panel_->latencyPlot(), "device_latency"); });
  export_menu->addAction(tr("Layer table as CSV..."), this, [this] {
    exportTextDialog(tr("Export layer table"), tr("CSV (*.csv)"),
                     layer_view_->model()->toCsv().toUtf8());
  });
  export_menu->addAction(tr("Layer table as JSON..."), this, [this] {
    exportTextDialog(tr("Export layer table"), tr("JSON (*.json)"),
                     layersToJson(layer_view_->model()->layers()));
  });
  export_menu->addAction(tr("Memory plan as CSV..."), this, [this] {
    exportTextDialog(tr("Export memory plan"), tr("CSV (*.csv)"),
                     planToCsv(ram_view_->plan()).toUtf8());
  });
  export_menu->addAction(tr("Memory plan as JSON..."), this, [this] {
    exportTextDialog(tr("Export memory plan"), tr("JSON (*.json)"), planToJson(ram_view_->plan()));
  });
  export_menu->addSeparator();
  export_menu->addAction(tr("Export &report folder..."), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Report folder"));
    if (dir.isEmpty()) return;
    const ReportResult result = exportReport(dir);
    showStatus(result.error.isEmpty()
                   ? tr("Report written to %1 (%2 files)").arg(dir).arg(result.written.size())
                   : result.error);
  });
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  source_menu_ = new SourceMenu(this);
  menuBar()->addMenu(source_menu_);
  connect(source_menu_, &SourceMenu::sourceRequested, this, &MainWindow::openSource);
  auto *toolbar = addToolBar(tr("Source"));
  toolbar->setObjectName("sourceToolbar");
  toolbar->addAction(source_menu_->demoAction());
  toolbar->addAction(source_menu_->cameraMenu()->menuAction());

  QMenu *view = menuBar()->addMenu(tr("&View"));
  view->addAction(layers_dock_->toggleViewAction());
  view->addAction(ram_dock_->toggleViewAction());
  view->addAction(device_dock_->toggleViewAction());
}

bool MainWindow::openSource(const QString &spec) {
  std::shared_ptr<FrameSource> source;
  try {
    source = open_frame_source(spec.toStdString());
  } catch (const std::exception &e) {
    showStatus(tr("Cannot open %1: %2").arg(spec, QString::fromUtf8(e.what())));
    return false;
  }
  useSource(std::move(source), spec);
  return true;
}

void MainWindow::useSource(std::shared_ptr<FrameSource> source, const QString &spec) {
  source_spec_ = spec;
  source_description_ = QString::fromStdString(source->description());
  live_view_->setSourceDescription(source_description_);
  pipeline_->setSource(std::move(source));
  showStatus(tr("Source: %1").arg(source_description_));
}

void MainWindow::startInitialSource(const QString &spec) {
  if (!spec.isEmpty()) {
    if (openSource(spec)) return;
    const QString failure = status_text_;
    if (spec != "demo" && openSource("demo")) showStatus(failure + tr("; showing the demo clip"));
    return;
  }
  // The last file source wins; a saved camera is reopened only if it is still listed.
  const QString last = QSettings().value(key::source).toString();
  if (!last.isEmpty() && !last.startsWith("camera:") && last != "demo" && openSource(last)) return;
  const std::vector<CameraInfo> cameras = list_cameras();
  if (last != "demo" && !cameras.empty()) {
    int index = cameras.front().index;
    for (const CameraInfo &camera : cameras)
      if (last == QStringLiteral("camera:%1").arg(camera.index)) index = camera.index;
    if (openSource(QStringLiteral("camera:%1").arg(index))) return;
  }
  if (openSource("demo")) {
    if (cameras.empty()) showStatus(tr("No camera found: showing the demo clip"));
  } else {
    live_view_->setMessage(tr("No camera found and the demo clip is missing (run scripts/setup); "
                              "choose a video under Source"));
  }
}

void MainWindow::showStatus(const QString &message) {
  status_text_ = message;
  statusBar()->showMessage(message);
}

void MainWindow::setDeviceBoxes(const std::vector<DetectedBox> &boxes) {
  live_view_->setDeviceBoxes(boxes);
}

void MainWindow::onSourceFailed(const QString &message) {
  if (source_spec_.startsWith("camera:"))
    showStatus(tr("Camera vanished: %1").arg(message));
  else
    showStatus(tr("Source failed: %1").arg(message));
  live_view_->setMessage(status_text_);
}

void MainWindow::onPlanRequested(const QString &strategy, const QString &dtype) {
  ram_view_->setPlan(backend_ ? backend_->plan(strategy, dtype) : MemoryPlanView{});
}

void MainWindow::redraw() {
  // Only the newest result matters; older ones were superseded in the pipeline's mailbox.
  if (std::optional<FrameResult> result = pipeline_->takeResult()) {
    live_view_->setFrame(result->frame, result->boxes);
    live_view_->setStats(pipeline_->processedFps(), result->latency_ms);
    if (!result->layer_ms.empty())
      layer_view_->updateHostTimes(
          QVector<double>(result->layer_ms.begin(), result->layer_ms.end()));
    emit resultShown(*result);
  }
  fps_label_->setText(tr("processed %1 fps | captured %2 | dropped %3")
                          .arg(pipeline_->processedFps(), 0, 'f', 0)
                          .arg(pipeline_->capturedFrames())
                          .arg(pipeline_->droppedFrames()));
}

ReportResult MainWindow::exportReport(const QString &folder) {
  ReportContent content;
  content.charts = {{"layer_bytes", layer_view_->chart()->plot()},
                    {"ram_timeline", ram_view_->timeline()->plot()},
                    {"memory_map", ram_view_->memoryMap()->plot()},
                    {"device_latency", device_panel_->latencyPlot()->plot()}};
  content.layers = layer_view_->model()->layers();
  content.layersCsv = layer_view_->model()->toCsv();
  content.plan = ram_view_->plan();
  content.summary << tr("source: %1").arg(source_description_.isEmpty() ? "-" : source_description_)
                  << tr("processed frames per second: %1").arg(pipeline_->processedFps(), 0, 'f', 1)
                  << tr("score threshold: %1").arg(threshold_->threshold(), 0, 'f', 2)
                  << tr("model: %1").arg(model_status_.isEmpty() ? tr("loaded") : model_status_)
                  << tr("device: %1").arg(device_panel_->stateText())
                  << tr("RAM: %1; %2").arg(ram_view_->peakLabelText(), ram_view_->measuredText());
  return writeReportFolder(folder, content);
}

void MainWindow::exportChartDialog(QWidget *chart_owner, const QString &stem) {
  QCustomPlot *plot = chart_owner ? chart_owner->findChild<QCustomPlot *>() : nullptr;
  const QString path = QFileDialog::getSaveFileName(this, tr("Export chart"), stem + ".png",
                                                    tr("PNG (*.png);;SVG (*.svg);;PDF (*.pdf)"));
  if (path.isEmpty()) return;
  PlotRefresher::instance().flush();
  const QString error = saveChart(plot, path);
  showStatus(error.isEmpty() ? tr("Chart written to %1").arg(path) : error);
}

void MainWindow::exportTextDialog(const QString &title, const QString &filter,
                                  const QByteArray &data) {
  const QString path = QFileDialog::getSaveFileName(this, title, {}, filter);
  if (path.isEmpty()) return;
  const QString error = writeFile(path, data);
  showStatus(error.isEmpty() ? tr("Written %1").arg(path) : error);
}

void MainWindow::restoreSettings() {
  QSettings settings;
  device_panel_->setPort(settings.value(key::port).toString());
  device_panel_->setBackend(settings.value(key::backend, "QEMU").toString());
  {
    // Restoring selectors must not fire one plan request per combo; one follows in the ctor.
    QSignalBlocker block(ram_view_);
    ram_view_->setStrategy(settings.value(key::strategy, "layer").toString());
    ram_view_->setDtype(settings.value(key::dtype, "f32").toString());
  }
  threshold_->setThreshold(
      settings.value(key::threshold, backend_ ? backend_->defaultScoreThreshold() : 0.5f)
          .toFloat());
  pipeline_->setThreshold(threshold_->threshold());
  if (settings.contains(key::geometry))
    restoreGeometry(settings.value(key::geometry).toByteArray());
  if (settings.contains(key::state))
    restoreState(settings.value(key::state).toByteArray(), kSettingsVersion);
}

void MainWindow::saveSettings() {
  QSettings settings;
  if (!source_spec_.isEmpty()) settings.setValue(key::source, source_spec_);
  settings.setValue(key::port, device_panel_->port());
  settings.setValue(key::backend, device_panel_->backend());
  settings.setValue(key::strategy, ram_view_->strategy());
  settings.setValue(key::dtype, ram_view_->dtype());
  settings.setValue(key::threshold, threshold_->threshold());
  settings.setValue(key::geometry, saveGeometry());
  settings.setValue(key::state, saveState(kSettingsVersion));
}

void MainWindow::closeEvent(QCloseEvent *event) {
  saveSettings();
  event->accept();
}

} // namespace rnnpool
