// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/device/device_panel.h"

#include "widgets/common/number_format.h"
#include "widgets/device/latency_plot.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace rnnpool {

namespace {
const QStringList kMetricColumns = {"row",     "RMSE",   "MAE",       "L2 rel",   "mean err",
                                    "std err", "cosine", "max |err|", "bit-exact"};
constexpr int kLogLines = 2000; // the log is a tail, not an archive
} // namespace

const QStringList &DevicePanel::backends() {
  static const QStringList names = {"QEMU", "st-flash", "openocd", "dfu-util"};
  return names;
}

DevicePanel::DevicePanel(QWidget *parent) : QWidget(parent) {
  // Link and flashing.
  port_box_ = new QComboBox(this);
  port_box_->setObjectName("devicePort");
  port_box_->setEditable(true); // ptys (QEMU, tests) are not listed: the user types /dev/pts/N
  port_box_->setInsertPolicy(QComboBox::NoInsert);
  port_box_->lineEdit()->setPlaceholderText(tr("/dev/ttyACM0 or /dev/pts/N"));
  port_box_->setMinimumContentsLength(14);
  backend_box_ = new QComboBox(this);
  backend_box_->setObjectName("deviceBackend");
  backend_box_->addItems(backends());
  flash_button_ = new QPushButton(tr("Flash"), this);
  flash_button_->setObjectName("deviceFlash");
  flash_progress_ = new QProgressBar(this);
  flash_progress_->setRange(0, 1000);
  flash_progress_->setValue(0);
  flash_progress_->setFormat(tr("idle"));
  connect_button_ = new QPushButton(tr("Connect"), this);
  connect_button_->setObjectName("deviceConnect");
  state_label_ = new QLabel(this);
  state_label_->setObjectName("deviceState");
  state_label_->setWordWrap(true);
  mirror_box_ = new QCheckBox(tr("Mirror frames to the device, every"), this);
  mirror_box_->setObjectName("deviceMirror");
  mirror_every_ = new QSpinBox(this);
  mirror_every_->setRange(1, 1000);
  mirror_every_->setValue(10);
  mirror_every_->setSuffix(tr(" frames"));
  log_ = new QPlainTextEdit(this);
  log_->setObjectName("deviceLog");
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(kLogLines);
  log_->setMinimumHeight(80);

  auto *link = new QGroupBox(tr("Board"), this);
  auto *form = new QFormLayout;
  auto *port_row = new QHBoxLayout;
  port_row->addWidget(port_box_, 1);
  port_row->addWidget(connect_button_);
  form->addRow(tr("Port"), port_row);
  form->addRow(tr("State"), state_label_);
  auto *flash_row = new QHBoxLayout;
  flash_row->addWidget(backend_box_, 1);
  flash_row->addWidget(flash_button_);
  form->addRow(tr("Flash with"), flash_row);
  form->addRow(QString(), flash_progress_);
  auto *mirror_row = new QHBoxLayout;
  mirror_row->addWidget(mirror_box_);
  mirror_row->addWidget(mirror_every_);
  mirror_row->addStretch(1);
  form->addRow(mirror_row);
  auto *link_layout = new QVBoxLayout(link);
  link_layout->addLayout(form);
  link_layout->addWidget(log_, 1);

  // Results.
  metrics_ = new QTableWidget(0, int(kMetricColumns.size()), this);
  metrics_->setObjectName("deviceMetrics");
  metrics_->setHorizontalHeaderLabels(kMetricColumns);
  metrics_->verticalHeader()->setVisible(false);
  metrics_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  metrics_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  // Row labels ("cross mob.0.project", the detections summary) are read whole; numbers share
  // the rest. Compact rows: a frame has about twenty of them.
  metrics_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  metrics_->verticalHeader()->setDefaultSectionSize(metrics_->fontMetrics().height() + 6);
  metrics_->setWordWrap(false);
  metrics_->setMinimumHeight(100);
  latency_label_ = new QLabel(tr("latency: no samples"), this);
  latency_label_->setObjectName("deviceLatencyStats");
  ram_label_ = new QLabel(tr("RAM: not measured"), this);
  ram_label_->setObjectName("deviceRam");
  latency_plot_ = new LatencyPlot(this);

  auto *results = new QGroupBox(tr("Device results"), this);
  auto *results_layout = new QVBoxLayout(results);
  results_layout->addWidget(metrics_, 3);
  auto *stats_row = new QHBoxLayout;
  stats_row->addWidget(latency_label_, 1);
  stats_row->addWidget(ram_label_);
  results_layout->addLayout(stats_row);
  results_layout->addWidget(latency_plot_, 2);

  auto *splitter = new QSplitter(Qt::Horizontal, this);
  splitter->addWidget(link);
  splitter->addWidget(results);
  splitter->setStretchFactor(0, 2);
  splitter->setStretchFactor(1, 3);
  splitter->setChildrenCollapsible(false);
  auto *layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(splitter);

  connect(flash_button_, &QPushButton::clicked, this,
          [this] { emit flashRequested(backend(), port()); });
  connect(connect_button_, &QPushButton::clicked, this, &DevicePanel::onConnectClicked);
  connect(mirror_box_, &QCheckBox::toggled, this,
          [this](bool on) { emit mirrorChanged(on, mirror_every_->value()); });
  connect(mirror_every_, &QSpinBox::valueChanged, this, [this](int n) {
    if (mirror_box_->isChecked()) emit mirrorChanged(true, n);
  });
  setState(LinkState::Disconnected);
}

QString DevicePanel::port() const {
  return port_box_->currentText().trimmed();
}

void DevicePanel::setPort(const QString &port) {
  port_box_->setEditText(port);
}

QString DevicePanel::backend() const {
  return backend_box_->currentText();
}

void DevicePanel::setBackend(const QString &backend) {
  const int i = backend_box_->findText(backend);
  if (i >= 0) backend_box_->setCurrentIndex(i);
}

void DevicePanel::setMirror(bool enabled, int every_n_frames) {
  mirror_every_->setValue(every_n_frames);
  mirror_box_->setChecked(enabled); // emits mirrorChanged when it changes
}

bool DevicePanel::mirrorEnabled() const {
  return mirror_box_->isChecked();
}

int DevicePanel::mirrorEvery() const {
  return mirror_every_->value();
}

void DevicePanel::setPorts(const QStringList &ports) {
  const QString typed = port_box_->currentText();
  QSignalBlocker block(port_box_);
  port_box_->clear();
  port_box_->addItems(ports);
  port_box_->setEditText(typed.isEmpty() && !ports.isEmpty() ? ports.first() : typed);
}

QString DevicePanel::stateText() const {
  return state_label_->text();
}

void DevicePanel::setState(LinkState state, const QString &message) {
  state_ = state;
  QString text;
  QString color;
  switch (state) {
  case LinkState::Disconnected:
    text = tr("disconnected");
    color = "gray";
    break;
  case LinkState::Connecting:
    text = tr("connecting");
    color = "darkorange";
    break;
  case LinkState::Connected:
    text = tr("connected");
    color = "green";
    break;
  case LinkState::Reconnecting:
    text = tr("reconnecting");
    color = "darkorange";
    break;
  case LinkState::Error:
    text = tr("error");
    color = "red";
    break;
  }
  if (!message.isEmpty()) text += ": " + message;
  state_label_->setText(text);
  state_label_->setStyleSheet(QStringLiteral("color: %1; font-weight: bold").arg(color));
  const bool linked = state != LinkState::Disconnected && state != LinkState::Error;
  connect_button_->setText(linked ? tr("Disconnect") : tr("Connect"));
  port_box_->setEnabled(!linked);
}

void DevicePanel::onConnectClicked() {
  if (state_ == LinkState::Disconnected || state_ == LinkState::Error) {
    if (port().isEmpty()) {
      setState(LinkState::Error, tr("choose or type a port first"));
      return;
    }
    emit connectRequested(port());
  } else {
    emit disconnectRequested();
  }
}

void DevicePanel::setFlashProgress(int permille, const QString &stage) {
  flash_progress_->setValue(std::clamp(permille, 0, 1000));
  flash_progress_->setFormat(stage.isEmpty() ? QStringLiteral("%p%") : stage + " %p%");
}

int DevicePanel::flashProgress() const {
  return flash_progress_->value();
}

void DevicePanel::appendLog(const QString &line) {
  log_->appendPlainText(line);
}

QString DevicePanel::logText() const {
  return log_->toPlainText();
}

void DevicePanel::setMetrics(const QVector<DeviceMetricsRow> &rows) {
  metrics_->setRowCount(int(rows.size()));
  for (int r = 0; r < rows.size(); ++r) {
    const DeviceMetricsRow &m = rows[r];
    auto number = [&m](double v) {
      return m.hasMetrics ? QString::number(v, 'g', 5) : QStringLiteral("-");
    };
    const QStringList cells = {
        m.tensor,         number(m.rmse),    number(m.mae),
        number(m.l2rel),  number(m.meanErr), number(m.stdErr),
        number(m.cosine), number(m.maxAbs),  m.bitExact ? tr("yes") : tr("no")};
    for (int c = 0; c < cells.size(); ++c) {
      auto *item = new QTableWidgetItem(cells[c]);
      item->setTextAlignment(c == 0 ? (Qt::AlignLeft | Qt::AlignVCenter)
                                    : (Qt::AlignRight | Qt::AlignVCenter));
      if (c == cells.size() - 1)
        item->setForeground(m.bitExact ? QColor(0, 140, 0) : QColor(200, 0, 0));
      metrics_->setItem(r, c, item);
    }
  }
}

int DevicePanel::metricsRowCount() const {
  return metrics_->rowCount();
}

QString DevicePanel::metricsCell(int row, int column) const {
  const QTableWidgetItem *item = metrics_->item(row, column);
  return item ? item->text() : QString();
}

void DevicePanel::setLatencyStats(double mean, double min, double max, double std,
                                  const QString &unit) {
  latency_label_->setText(tr("latency (%1): mean %2, min %3, max %4, std %5")
                              .arg(unit)
                              .arg(mean, 0, 'f', 3)
                              .arg(min, 0, 'f', 3)
                              .arg(max, 0, 'f', 3)
                              .arg(std, 0, 'f', 3));
  latency_plot_->setUnit(unit);
}

QString DevicePanel::latencyStatsText() const {
  return latency_label_->text();
}

void DevicePanel::appendLatency(double frame, double value) {
  latency_plot_->appendLatency(frame, value);
}

void DevicePanel::setMeasuredRam(qint64 measured, qint64 planned) {
  const qint64 diff = measured - planned;
  ram_label_->setText(tr("RAM measured %1 vs plan %2 (%3%4)")
                          .arg(formatCount(measured), formatCount(planned), diff >= 0 ? "+" : "-",
                               formatCount(std::abs(diff))));
}

QString DevicePanel::measuredRamText() const {
  return ram_label_->text();
}

} // namespace rnnpool
