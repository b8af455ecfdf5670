// SPDX-License-Identifier: GPL-3.0-or-later
// Losing the device: QEMU killed mid-frame (the pty vanishes) and a device gone silent. The link
// must say "device disconnected" within 2 s, fail the frame in progress with that reason, and
// reconnect by itself when the port returns. The link opens a symlink that the test re-points
// at the new QEMU's pty, as a stable name (a pty path changes between QEMU runs).
#include "firmware_bridge/host/device_link.h"
#include "firmware_bridge/host/device_session.h"
#include "firmware_bridge/host/port_watcher.h"
#include "tests/bridge/fault_proxy.h"
#include "tests/bridge/qemu_test_support.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <fcntl.h>
#include <future>
#include <thread>
#include <unistd.h>

using namespace rnnpool::bridge;

namespace {

// Atomically points `link` at `target` (rename over the old symlink).
bool pointSymlink(const QString &link, const QString &target) {
  const QString tmp = link + ".new";
  QFile::remove(tmp);
  return QFile::link(target, tmp) && ::rename(qPrintable(tmp), qPrintable(link)) == 0;
}

void expectCorrectFrame(DeviceLink &link, unsigned seed) {
  const auto reference = test::firmwareReference();
  DeviceSession session(link);
  session.handshake(reference->modelDigest());
  const GrayFrame frame = test::texturedFrame(32, 24, seed);
  QVERIFY(test::compareWithHost(*reference, frame, session.runFrame(frame)).bitExact);
}

} // namespace

class TestDisconnect : public QObject {
  Q_OBJECT
private slots:
  void killedQemuMidFrameIsReportedAndANewOneIsPickedUp() {
    QTemporaryDir dir(QDir::tempPath() + "/rnnpool-test-XXXXXX");
    QVERIFY(dir.isValid());
    const QString device = dir.filePath("ttyDEVICE");
    auto first = test::startQemu();
    QVERIFY(pointSymlink(device, first->port()));

    PortWatcher watcher(nullptr, 100);
    watcher.watchPath(device);
    QVERIFY(watcher.ports().contains(device));
    QSignalSpy portsChanged(&watcher, &PortWatcher::portsChanged);

    DeviceLink link;
    link.open(device);
    QVERIFY2(link.waitForState(LinkState::Connected, 10000), qPrintable(link.stateMessage()));
    DeviceSession session(link);
    session.handshake(test::firmwareReference()->modelDigest());

    // A full-size frame takes seconds (the device computes as chunks arrive); kill QEMU once a
    // good part of it is on the wire.
    const quint64 sentBefore = link.stats().bytesSent;
    auto frame = std::async(std::launch::async,
                            [&] { return session.runFrame(test::texturedFrame(320, 240, 1)); });
    QElapsedTimer wait;
    wait.start();
    while (link.stats().bytesSent < sentBefore + 20000 && wait.elapsed() < 20000)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    QVERIFY2(frame.wait_for(std::chrono::seconds(0)) != std::future_status::ready,
             "the frame finished before QEMU could be killed mid-frame");
    QElapsedTimer sinceKill;
    sinceKill.start();
    first->stop();
    QVERIFY2(link.waitForState(LinkState::Reconnecting, 2000),
             qPrintable("state after 2 s: " + link.stateMessage()));
    const qint64 detectMs = sinceKill.elapsed();
    const QString disconnectMessage = link.stateMessage();
    QVERIFY2(link.stateMessage().startsWith("device disconnected"),
             qPrintable(link.stateMessage()));
    QVERIFY(frame.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    try {
      frame.get();
      QFAIL("the frame in progress was reported as done");
    } catch (const DeviceError &e) {
      QCOMPARE(e.kind(), DeviceError::Kind::Disconnected);
      QVERIFY2(QString(e.what()).contains("device disconnected"), e.what());
    }

    // A new QEMU on the same (symlinked) path.
    auto second = test::startQemu();
    QElapsedTimer sinceNew;
    sinceNew.start();
    QVERIFY(pointSymlink(device, second->port()));
    QVERIFY2(link.waitForState(LinkState::Connected, 20000), qPrintable(link.stateMessage()));
    const qint64 reconnectMs = sinceNew.elapsed();
    QCOMPARE(link.stats().reconnects, 1u);
    QCOMPARE(link.stats().disconnects, 1u);
    qInfo("[ measure ] kill to 'device disconnected': %lld ms (%s); new QEMU to connected: %lld "
          "ms",
          static_cast<long long>(detectMs), qPrintable(disconnectMessage),
          static_cast<long long>(reconnectMs));
    expectCorrectFrame(link, 2);

    // The watcher saw the path vanish (dangling symlink) and return.
    QTRY_VERIFY_WITH_TIMEOUT(portsChanged.count() >= 2, 3000);
    QVERIFY(watcher.ports().contains(device));
  }

  void silentDeviceIsDetectedByPingTimeoutAndRecovers() {
    auto qemu = test::startQemu();
    test::FaultProxy proxy(qemu->port().toStdString(), 7u);
    LinkOptions options;
    options.livenessTimeoutMs = 1500;
    DeviceLink link(options);
    link.open(QString::fromStdString(proxy.path()));
    QVERIFY2(link.waitForState(LinkState::Connected, 10000), qPrintable(link.stateMessage()));
    QElapsedTimer sinceMute;
    sinceMute.start();
    proxy.setMuted(true);
    QVERIFY2(link.waitForState(LinkState::Reconnecting, 2000),
             qPrintable("state after 2 s: " + link.stateMessage()));
    QVERIFY2(link.stateMessage().contains("no answer"), qPrintable(link.stateMessage()));
    qInfo("[ measure ] silence to 'device disconnected': %lld ms",
          static_cast<long long>(sinceMute.elapsed()));
    proxy.setMuted(false);
    QVERIFY2(link.waitForState(LinkState::Connected, 10000), qPrintable(link.stateMessage()));
    expectCorrectFrame(link, 3);
  }

  void portThatNeverAnswersKeepsRetrying() {
    // A pty nobody serves: the link opens it, polls PING, gives up the attempt after the sync
    // timeout and keeps looking (Reconnecting) instead of claiming a connection.
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    QVERIFY(master >= 0 && ::grantpt(master) == 0 && ::unlockpt(master) == 0);
    LinkOptions options;
    options.syncTimeoutMs = 500;
    DeviceLink link(options);
    link.open(QString::fromLocal8Bit(::ptsname(master)));
    QVERIFY(link.waitForState(LinkState::Reconnecting, 3000));
    QVERIFY2(link.stateMessage().contains("no PONG"), qPrintable(link.stateMessage()));
    QVERIFY(link.state() != LinkState::Connected);
    link.close();
    QVERIFY(link.state() == LinkState::Disconnected);
    ::close(master);
  }
};

QTEST_GUILESS_MAIN(TestDisconnect)
#include "tst_disconnect.moc"
