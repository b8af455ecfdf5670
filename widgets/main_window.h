// SPDX-License-Identifier: GPL-3.0-or-later
// The studio window: the live view with its threshold in the centre, docks for Layers, RAM and
// Device, a Source menu, File > Export, and the status bar for plain messages. Data comes from an
// injected StudioBackend; frames from the capture/detection Pipeline, pulled by a 25 Hz redraw
// timer (never per frame).
#pragma once

#include "widgets/export/report_folder.h"
#include "widgets/model/studio_backend.h"
#include "widgets/pipeline/frame_result.h"

#include <QMainWindow>
#include <QTimer>
#include <memory>

class QDockWidget;
class QLabel;

namespace rnnpool {

class DevicePanel;
class FrameSource;
class LayerSelection;
class LayerView;
class LiveView;
class Pipeline;
class RamView;
class SourceMenu;
class ThresholdSlider;

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  static constexpr int kRedrawIntervalMs = 40; // 25 Hz

  explicit MainWindow(std::shared_ptr<StudioBackend> backend, QWidget *parent = nullptr);
  ~MainWindow() override;

  // Opens "demo", "camera:N" or "file:PATH". On failure the status bar says why and the current
  // source keeps running; returns whether the new source was opened.
  bool openSource(const QString &spec);
  // Runs an already opened source; `spec` is what settings remember and messages refer to.
  void useSource(std::shared_ptr<FrameSource> source, const QString &spec);
  // Start-up choice: `spec` when given, else the last source, else the first camera, else the
  // demo clip (saying so when no camera exists).
  void startInitialSource(const QString &spec = {});
  QString currentSource() const { return source_spec_; }

  // The last plain message shown in the status bar.
  QString statusText() const { return status_text_; }
  void showStatus(const QString &message);

  ReportResult exportReport(const QString &folder);
  void saveSettings();

  LiveView *liveView() const { return live_view_; }
  ThresholdSlider *thresholdSlider() const { return threshold_; }
  LayerView *layerView() const { return layer_view_; }
  RamView *ramView() const { return ram_view_; }
  DevicePanel *devicePanel() const { return device_panel_; }
  LayerSelection *selection() const { return selection_; }
  SourceMenu *sourceMenu() const { return source_menu_; }
  Pipeline *pipeline() const { return pipeline_.get(); }
  QDockWidget *layersDock() const { return layers_dock_; }
  QDockWidget *ramDock() const { return ram_dock_; }
  QDockWidget *deviceDock() const { return device_dock_; }

public slots:
  // Boxes the device found on the frame it was sent; shown over the live frame in orange.
  void setDeviceBoxes(const std::vector<rnnpool::DetectedBox> &boxes);

signals:
  // The newest processed frame, as the redraw tick shows it (the device mirror picks from these).
  void resultShown(const rnnpool::FrameResult &result);

protected:
  void closeEvent(QCloseEvent *event) override;

private:
  void buildDocks();
  void buildMenus();
  void restoreSettings();
  void redraw();
  void onPlanRequested(const QString &strategy, const QString &dtype);
  void onSourceFailed(const QString &message);
  void exportChartDialog(QWidget *chart_owner, const QString &stem);
  void exportTextDialog(const QString &title, const QString &filter, const QByteArray &data);

  std::shared_ptr<StudioBackend> backend_;
  std::unique_ptr<Pipeline> pipeline_;
  LayerSelection *selection_ = nullptr;
  LiveView *live_view_ = nullptr;
  ThresholdSlider *threshold_ = nullptr;
  LayerView *layer_view_ = nullptr;
  RamView *ram_view_ = nullptr;
  DevicePanel *device_panel_ = nullptr;
  SourceMenu *source_menu_ = nullptr;
  QDockWidget *layers_dock_ = nullptr;
  QDockWidget *ram_dock_ = nullptr;
  QDockWidget *device_dock_ = nullptr;
  QLabel *fps_label_ = nullptr;
  QLabel *model_label_ = nullptr;
  QTimer redraw_timer_;
  QString source_spec_;
  QString source_description_;
  QString status_text_;
  QString model_status_;
};

} // namespace rnnpool
