// SPDX-License-Identifier: GPL-3.0-or-later
// Device panel: a typed pty path (a real /dev/pts/N from posix_openpt) is what connectRequested
// carries, refreshing the port list keeps it, and the panel shows states, metrics and stats.
#include "widgets/device/device_panel.h"
#include "widgets/device/latency_plot.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

using namespace rnnpool;

namespace {

// A real pseudo-terminal, like the one QEMU's -serial pty prints.
struct Pty {
  int fd = -1;
  QString path;
  Pty() {
    fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd >= 0 && grantpt(fd) == 0 && unlockpt(fd) == 0)
      path = QString::fromLocal8Bit(ptsname(fd));
  }
  ~Pty() {
    if (fd >= 0) ::close(fd);
  }
};

} // namespace

class TestDevicePanel : public QObject {
  Q_OBJECT
private slots:
  void typedPtyPathIsWhatConnectRequests() {
    Pty pty;
    QVERIFY2(pty.path.startsWith("/dev/pts/"), "posix_openpt should give a /dev/pts path");
    DevicePanel panel;
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.setPorts({"/dev/ttyS0"});
    QSignalSpy connect_spy(&panel, &DevicePanel::connectRequested);

    QLineEdit *edit = panel.portBox()->lineEdit();
    edit->selectAll();
    QTest::keyClicks(edit, pty.path);
    // A port refresh (hot-plug) must not throw away what the user typed.
    panel.setPorts({"/dev/ttyS0", "/dev/ttyACM0"});
    QCOMPARE(panel.port(), pty.path);
    QCOMPARE(panel.portBox()->count(), 2);

    QTest::mouseClick(panel.connectButton(), Qt::LeftButton);
    QCOMPARE(connect_spy.size(), 1);
    QCOMPARE(connect_spy[0][0].toString(), pty.path);

    // Once connecting, the same button disconnects.
    QSignalSpy disconnect_spy(&panel, &DevicePanel::disconnectRequested);
    panel.setState(DevicePanel::LinkState::Connecting);
    QCOMPARE(panel.connectButton()->text(), QString("Disconnect"));
    QTest::mouseClick(panel.connectButton(), Qt::LeftButton);
    QCOMPARE(disconnect_spy.size(), 1);
    QCOMPARE(connect_spy.size(), 1);
  }

  void emptyPortGivesAPlainErrorInsteadOfARequest() {
    DevicePanel panel;
    panel.setPort("");
    QSignalSpy connect_spy(&panel, &DevicePanel::connectRequested);
    QTest::mouseClick(panel.connectButton(), Qt::LeftButton);
    QCOMPARE(connect_spy.size(), 0);
    QCOMPARE(panel.state(), DevicePanel::LinkState::Error);
    QVERIFY(panel.stateText().contains("port"));
  }

  void statesFlashAndMirrorRequests() {
    DevicePanel panel;
    panel.setState(DevicePanel::LinkState::Reconnecting, "port vanished, retrying");
    QCOMPARE(panel.stateText(), QString("reconnecting: port vanished, retrying"));
    panel.setState(DevicePanel::LinkState::Error, "st-flash not found");
    QCOMPARE(panel.stateText(), QString("error: st-flash not found"));

    QSignalSpy flash(&panel, &DevicePanel::flashRequested);
    panel.setBackend("openocd");
    panel.setPort("/dev/ttyACM0");
    QTest::mouseClick(panel.flashButton(), Qt::LeftButton);
    QCOMPARE(flash.size(), 1);
    QCOMPARE(flash[0][0].toString(), QString("openocd"));
    QCOMPARE(flash[0][1].toString(), QString("/dev/ttyACM0"));
    panel.setFlashProgress(1500, "writing");
    QCOMPARE(panel.flashProgress(), 1000); // clamped
    panel.appendLog("Flash written and verified");
    QVERIFY(panel.logText().contains("verified"));

    QSignalSpy mirror(&panel, &DevicePanel::mirrorChanged);
    auto *box = panel.findChild<QCheckBox *>("deviceMirror");
    QVERIFY(box);
    box->setChecked(true);
    QCOMPARE(mirror.size(), 1);
    QCOMPARE(mirror[0][0].toBool(), true);
    QCOMPARE(mirror[0][1].toInt(), panel.mirrorEvery());
  }

  void metricsStatsAndRamAreShown() {
    DevicePanel panel;
    DeviceMetricsRow host{"host", 0, 0, 0, 0, 0, 1, 0, true};
    DeviceMetricsRow device{"device", 0, 0, 0, 0, 0, 1, 0, true};
    DeviceMetricsRow cross{"cross", 0.001, 0.0005, 1e-4, 0, 0.001, 0.99999, 0.004, false};
    panel.setMetrics({host, device, cross});
    QCOMPARE(panel.metricsRowCount(), 3);
    QCOMPARE(panel.metricsCell(2, 0), QString("cross"));
    QCOMPARE(panel.metricsCell(0, 8), QString("yes"));
    QCOMPARE(panel.metricsCell(2, 8), QString("no"));
    QCOMPARE(panel.metricsCell(2, 7), QString("0.004"));
    panel.setLatencyStats(41.5, 40, 45.25, 1.5, "ms");
    QCOMPARE(panel.latencyStatsText(),
             QString("latency (ms): mean 41.500, min 40.000, max 45.250, std 1.500"));
    for (int i = 0; i < 10; ++i)
      panel.appendLatency(i, 40 + i);
    QCOMPARE(panel.latencyPlot()->pointCount(), 10);
    panel.setMeasuredRam(120000, 118784);
    QCOMPARE(panel.measuredRamText(), QString("RAM measured 120,000 vs plan 118,784 (+1,216)"));
  }

  // A row known only by agreement (digest, detections) shows dashes, not zeros nobody measured.
  void rowsWithoutMetricsShowDashes() {
    DevicePanel panel;
    DeviceMetricsRow digest{"cross conv", 0, 0, 0, 0, 0, 0, 0, true};
    digest.hasMetrics = false;
    panel.setMetrics({digest});
    QCOMPARE(panel.metricsCell(0, 1), QString("-"));
    QCOMPARE(panel.metricsCell(0, 6), QString("-"));
    QCOMPARE(panel.metricsCell(0, 8), QString("yes"));
  }

  void setMirrorChecksTheBoxAndEmits() {
    DevicePanel panel;
    QSignalSpy mirror(&panel, &DevicePanel::mirrorChanged);
    panel.setMirror(true, 3);
    QVERIFY(panel.mirrorEnabled());
    QCOMPARE(panel.mirrorEvery(), 3);
    QCOMPARE(mirror.size(), 1);
    QCOMPARE(mirror[0][1].toInt(), 3);
  }
};

QTEST_MAIN(TestDevicePanel)
#include "tst_device_panel.moc"
