// SPDX-License-Identifier: GPL-3.0-or-later
// The Device panel driven through the window against the real firmware under QEMU: Flash (QEMU
// backend) fills the port with QEMU's pty, Connect handshakes, mirroring sends a processed
// 320x240 frame, and the panel shows the device bit-exact with the host quantized model on every
// layer, the device's boxes over the frame, its instruction count (the layer table's device
// column says "M instr") and its RAM against the plan. Killing QEMU leaves a plain message and a
// running app; the app kills the QEMU it started when it goes. (A missing flashing tool and a
// dead port are checked without QEMU in tst_studio_core_backend.)
#include "app/studio/core_backend.h"
#include "app/studio/device_controller.h"
#include "core/quant/quantized_model_file.h"
#include "firmware_bridge/host/qemu_flasher.h"
#include "firmware_bridge/host/reply_parser.h"
#include "widgets/device/device_panel.h"
#include "widgets/layers/layer_view.h"
#include "widgets/live/live_view.h"
#include "widgets/live/threshold_slider.h"
#include "widgets/main_window.h"
#include "widgets/model/layer_table_model.h"
#include "widgets/ram/ram_view.h"

#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <sys/types.h>

using namespace rnnpool;

namespace {

bool processAlive(qint64 pid) {
  // Reaped processes vanish from /proc; a zombie would still be listed with state Z.
  QFile status(QString("/proc/%1/stat").arg(pid));
  if (!status.open(QIODevice::ReadOnly)) return false;
  const QByteArray line = status.readAll();
  const int paren = line.lastIndexOf(')');
  return paren > 0 && line.size() > paren + 2 && line[paren + 2] != 'Z';
}

} // namespace

class TestStudioDevice : public QObject {
  Q_OBJECT
private:
  QTemporaryDir settings_dir_;
  QTemporaryDir work_dir_;
  QString clip_;

  struct Studio {
    explicit Studio(const QString &marker)
        : window(std::make_shared<CoreStudioBackend>(std::string{})) {
      controller = new DeviceController(&window, window.devicePanel(), &window);
      controller->setQemuName(marker);
      window.show();
    }
    MainWindow window;
    DeviceController *controller = nullptr;
    DevicePanel *panel() { return window.devicePanel(); }
  };

private slots:
  void initTestCase() {
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_dir_.path());
    QCoreApplication::setOrganizationName("rnnpool-studio-tests");
    QCoreApplication::setApplicationName("tst_studio_device");
    // A lossless 320x240 clip (the model input size, so the mirrored frame is a full frame)
    // with structure in it, not a flat colour.
    clip_ = work_dir_.filePath("clip.mkv");
    cv::VideoWriter writer(clip_.toStdString(), cv::VideoWriter::fourcc('F', 'F', 'V', '1'), 25,
                           {320, 240});
    QVERIFY(writer.isOpened());
    for (int i = 0; i < 50; ++i) {
      cv::Mat frame(240, 320, CV_8UC3, cv::Scalar(40, 90, 160));
      cv::circle(frame, {100 + 2 * i, 120}, 50, cv::Scalar(200, 190, 180), cv::FILLED);
      cv::rectangle(frame, {200, 40}, {280, 200 - i}, cv::Scalar(20, 30, 40), cv::FILLED);
      writer.write(frame);
    }
  }

  void flashConnectMirrorIsBitExact() {
    Studio studio(RNNPOOL_STUDIO_TEST_MARKER);
    DevicePanel *panel = studio.panel();
    QVERIFY(studio.window.openSource("file:" + clip_));

    // Flash: QEMU starts with the built ELF and its pty fills the port field.
    panel->setBackend("QEMU");
    QTest::mouseClick(panel->flashButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->port().startsWith("/dev/pts/"), 30000);
    QCOMPARE(panel->flashProgress(), 1000);
    const qint64 pid = studio.controller->qemuProcessId();
    QVERIFY(pid > 0);
    QVERIFY(panel->logText().contains("QEMU running"));

    // Connect: link up, handshake with the host quantized model's digest.
    QTest::mouseClick(panel->connectButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(studio.controller->sessionReady(), 30000);
    QCOMPARE(panel->state(), DevicePanel::LinkState::Connected);
    QVERIFY2(panel->stateText().contains("model digest"), qPrintable(panel->stateText()));

    // Mirror: the next processed frame goes to the device and to the host reference.
    panel->setMirror(true, 1);
    QTRY_VERIFY_WITH_TIMEOUT(studio.controller->comparedFrames() >= 1, 180000);
    QCOMPARE(studio.controller->bitExactFrames(), studio.controller->comparedFrames());
    qInfo("first device result %lld ms after the connect request",
          static_cast<long long>(studio.controller->firstResultMs()));
    qInfo("%s", qPrintable(panel->latencyStatsText()));

    // The metrics table: one cross row per device layer, then the detections; all bit-exact.
    const int rows = panel->metricsRowCount();
    QCOMPARE(rows, 18 + 1);
    QCOMPARE(panel->metricsCell(0, 0), QString("cross conv"));
    QCOMPARE(panel->metricsCell(1, 0), QString("cross rnn_model"));
    for (int r = 0; r < rows; ++r)
      QVERIFY2(panel->metricsCell(r, 8) == "yes",
               qPrintable(panel->metricsCell(r, 0) + ": " + panel->metricsCell(r, 8)));
    QVERIFY(panel->metricsCell(rows - 1, 0).startsWith("cross detections"));

    // Device boxes over the frame: the device's, above the window's score threshold.
    const QString detections = panel->metricsCell(rows - 1, 0);
    const QRegularExpressionMatch m = QRegularExpression("device (\\d+)").match(detections);
    QVERIFY(m.hasMatch());
    const std::vector<DetectedBox> &shown = studio.window.liveView()->deviceBoxes();
    QVERIFY(int(shown.size()) <= m.captured(1).toInt());
    for (const DetectedBox &b : shown)
      QVERIFY(b.score >= studio.window.thresholdSlider()->threshold());
    qInfo("device boxes: %d reported, %zu shown", m.captured(1).toInt(), shown.size());

    // Instructions under QEMU, named as such; RAM measured against the plan.
    QVERIFY2(panel->latencyStatsText().contains("M instructions"),
             qPrintable(panel->latencyStatsText()));
    QVERIFY2(panel->measuredRamText().startsWith("RAM measured"),
             qPrintable(panel->measuredRamText()));
    // The RAM view shows the plan the device runs, and the device's arena against it.
    QCOMPARE(studio.window.ramView()->strategy(), QString("streaming"));
    QCOMPARE(studio.window.ramView()->dtype(), QString("i8"));
    QVERIFY2(studio.window.ramView()->measuredText().startsWith("measured peak"),
             qPrintable(studio.window.ramView()->measuredText()));
    qInfo("%s; %s", qPrintable(panel->measuredRamText()),
          qPrintable(studio.window.ramView()->measuredText()));
    LayerTableModel *table = studio.window.layerView()->model();
    QCOMPARE(
        table->headerData(LayerTableModel::DeviceMs, Qt::Horizontal, Qt::DisplayRole).toString(),
        QString("device M instr"));
    int conv_row = -1;
    for (int r = 0; r < table->layers().size(); ++r)
      if (table->layers()[r].name == "conv") conv_row = r;
    QVERIFY(conv_row >= 0);
    QVERIFY(table->layers()[conv_row].deviceMs > 0);

    // A killed QEMU: plain messages, the app keeps running.
    QVERIFY(::kill(pid_t(pid), SIGKILL) == 0);
    QTRY_VERIFY_WITH_TIMEOUT(panel->logText().contains("QEMU exited"), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(panel->state() == DevicePanel::LinkState::Reconnecting, 10000);
    QVERIFY(studio.window.isVisible());
  }

  // The link's automatic reconnect, through the panel: the port is a symlink to a QEMU pty (as a
  // board's by-id path would be); QEMU dies mid-session, a new one comes up behind the same path,
  // the panel goes reconnecting -> connected, the handshake runs again and frames are bit-exact.
  void reconnectsWhenThePortReturns() {
    auto startQemu = [](const QString &marker) {
      bridge::FlashOptions options;
      options.elf = RNNPOOL_FIRMWARE_QEMU_ELF;
      options.qemuName = marker;
      auto qemu = std::make_unique<bridge::QemuFlasher>(options);
      qemu->start();
      return qemu->waitForFinished(30000) ? std::move(qemu) : nullptr;
    };
    std::unique_ptr<bridge::QemuFlasher> first = startQemu(RNNPOOL_STUDIO_TEST_MARKER);
    QVERIFY(first);
    const QString link = work_dir_.filePath("ttyDEVICE");
    QVERIFY(QFile::link(first->port(), link));

    Studio studio(RNNPOOL_STUDIO_TEST_MARKER);
    DevicePanel *panel = studio.panel();
    QVERIFY(studio.window.openSource("file:" + clip_));
    panel->setPort(link);
    QTest::mouseClick(panel->connectButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(studio.controller->sessionReady(), 30000);
    panel->setMirror(true, 1);
    QTRY_VERIFY_WITH_TIMEOUT(studio.controller->comparedFrames() >= 1, 180000);

    first->stop();
    QTRY_VERIFY_WITH_TIMEOUT(panel->state() == DevicePanel::LinkState::Reconnecting, 10000);
    QVERIFY(!studio.controller->sessionReady());
    std::unique_ptr<bridge::QemuFlasher> second = startQemu(RNNPOOL_STUDIO_TEST_MARKER);
    QVERIFY(second);
    QVERIFY(QFile::remove(link));
    QVERIFY(QFile::link(second->port(), link));
    QTRY_VERIFY_WITH_TIMEOUT(studio.controller->sessionReady(), 30000);
    QCOMPARE(panel->state(), DevicePanel::LinkState::Connected);
    const int before = studio.controller->comparedFrames();
    QTRY_VERIFY_WITH_TIMEOUT(studio.controller->comparedFrames() > before, 180000);
    QCOMPARE(studio.controller->bitExactFrames(), studio.controller->comparedFrames());
  }

  // A host model other than the firmware's: the handshake refuses it, naming both digests.
  void digestMismatchIsRefusedNamingBothDigests() {
    quant::QuantizedModel model = quant::load_quantized_model(RNNPOOL_FIRMWARE_QMODEL);
    const uint32_t firmware_digest = model.digest();
    model.conv.bias.at(0) += 1;
    const QString other = work_dir_.filePath("other.q.json");
    quant::save_quantized_model(other.toStdString(), model);
    Studio studio(RNNPOOL_STUDIO_TEST_MARKER);
    DevicePanel *panel = studio.panel();
    studio.controller->setReferenceModel(other);
    studio.controller->startQemuSession(1);
    QTRY_VERIFY_WITH_TIMEOUT(panel->state() == DevicePanel::LinkState::Error, 30000);
    const QString text = panel->stateText();
    QVERIFY2(text.contains(QString::fromStdString(bridge::hex32(firmware_digest))),
             qPrintable(text));
    QVERIFY2(text.contains(QString::fromStdString(bridge::hex32(model.digest()))),
             qPrintable(text));
    QVERIFY(!studio.controller->sessionReady());
    QVERIFY(studio.window.statusText().contains("refused"));
  }

  void appKillsItsQemuOnExit() {
    qint64 pid = 0;
    {
      Studio studio(RNNPOOL_STUDIO_TEST_MARKER);
      studio.controller->startQemuSession(1);
      QTRY_VERIFY_WITH_TIMEOUT(studio.controller->sessionReady(), 30000);
      pid = studio.controller->qemuProcessId();
      QVERIFY(pid > 0);
      QVERIFY(processAlive(pid));
    }
    QVERIFY(!processAlive(pid));
  }
};

QTEST_MAIN(TestStudioDevice)
#include "tst_studio_device.moc"
