// SPDX-License-Identifier: GPL-3.0-or-later
// The device side: port and flashing backend, flash progress and log, link state, frame mirroring,
// and what the device reported (metrics, latency, RAM). It only displays state and emits requests;
// the app connects it to the serial bridge (widgets/ never opens a port).
#pragma once

#include "widgets/model/device_metrics_row.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace rnnpool {

class LatencyPlot;

class DevicePanel : public QWidget {
  Q_OBJECT
public:
  enum class LinkState { Disconnected, Connecting, Connected, Reconnecting, Error };
  Q_ENUM(LinkState)

  static const QStringList &backends(); // QEMU, st-flash, openocd, dfu-util

  explicit DevicePanel(QWidget *parent = nullptr);

  QString port() const;
  void setPort(const QString &port);
  QString backend() const;
  void setBackend(const QString &backend);
  LinkState state() const { return state_; }
  QString stateText() const;
  bool mirrorEnabled() const;
  int mirrorEvery() const;
  QString latencyStatsText() const;
  QString measuredRamText() const;
  int metricsRowCount() const;
  // Cell text of the metrics table (row, column), for tests and export.
  QString metricsCell(int row, int column) const;
  QString logText() const;
  int flashProgress() const;

  QComboBox *portBox() const { return port_box_; }
  QPushButton *connectButton() const { return connect_button_; }
  QPushButton *flashButton() const { return flash_button_; }
  LatencyPlot *latencyPlot() const { return latency_plot_; }

public slots:
  // Refreshes the list of ports; text the user typed (a pty path) is kept.
  void setPorts(const QStringList &ports);
  void setState(rnnpool::DevicePanel::LinkState state, const QString &message = {});
  void setFlashProgress(int permille, const QString &stage = {}); // 0..1000
  void appendLog(const QString &line);
  void setMirror(bool enabled, int everyNFrames);
  void setMetrics(const QVector<rnnpool::DeviceMetricsRow> &rows);
  void setLatencyStats(double mean, double min, double max, double std, const QString &unit);
  void appendLatency(double frame, double value);
  void setMeasuredRam(qint64 measured, qint64 planned);

signals:
  void flashRequested(QString backend, QString port);
  void connectRequested(QString port);
  void disconnectRequested();
  void mirrorChanged(bool enabled, int everyNFrames);

private:
  void onConnectClicked();

  QComboBox *port_box_;
  QComboBox *backend_box_;
  QPushButton *flash_button_;
  QProgressBar *flash_progress_;
  QPlainTextEdit *log_;
  QPushButton *connect_button_;
  QLabel *state_label_;
  QCheckBox *mirror_box_;
  QSpinBox *mirror_every_;
  QTableWidget *metrics_;
  QLabel *latency_label_;
  LatencyPlot *latency_plot_;
  QLabel *ram_label_;
  LinkState state_ = LinkState::Disconnected;
};

} // namespace rnnpool
