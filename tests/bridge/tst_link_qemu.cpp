// SPDX-License-Identifier: GPL-3.0-or-later
// The serial link and the device session against the firmware under QEMU, over its real pty.
// Measured numbers are printed, never asserted.
#include "firmware_bridge/host/device_link.h"
#include "firmware_bridge/host/device_session.h"
#include "firmware_bridge/host/frame_comparison.h"
#include "firmware_bridge/host/host_reference.h"
#include "firmware_bridge/protocol/crc32.h"
#include "firmware_bridge/protocol/payload_codec.h"
#include "tests/bridge/qemu_test_support.h"

#include <QElapsedTimer>
#include <QtTest>
#include <random>

using namespace rnnpool::bridge;

namespace {

GrayFrame randomFrame(int w, int h, unsigned seed) {
  std::mt19937 rng(seed);
  GrayFrame f{w, h, std::vector<uint8_t>(static_cast<size_t>(w * h))};
  for (auto &p : f.pixels)
    p = static_cast<uint8_t>(rng());
  return f;
}

} // namespace

class TestLinkQemu : public QObject {
  Q_OBJECT
  std::unique_ptr<QemuFlasher> qemu_;
  std::unique_ptr<DeviceLink> link_;

private slots:
  void initTestCase() {
    qemu_ = test::startQemu();
    QVERIFY(qemu_->port().startsWith("/dev/pts/"));
    link_ = std::make_unique<DeviceLink>();
    QElapsedTimer t;
    t.start();
    link_->open(qemu_->port());
    QVERIFY2(link_->waitForState(LinkState::Connected, 10000), qPrintable(link_->stateMessage()));
    qInfo("[ measure ] sync: %s (%lld ms from open)", qPrintable(link_->stateMessage()),
          static_cast<long long>(t.elapsed()));
  }
  void cleanupTestCase() {
    link_.reset();
    qemu_.reset();
  }

  void pingIsMatchedBySequenceNumber() {
    const QByteArray payload("\x01\x02\xA5\x5A", 4);
    const LinkReply r = link_->call(RNNPOOL_MSG_PING, payload);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.type, uint8_t(RNNPOOL_MSG_PONG));
    QCOMPARE(r.payload, payload);
    QCOMPARE(r.attempts, 1);
    constexpr int kPings = 50;
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < kPings; ++i)
      QVERIFY(link_->call(RNNPOOL_MSG_PING).ok);
    qInfo("[ measure ] PING round trip through the link thread: %.3f ms (mean of %d)",
          static_cast<double>(t.nsecsElapsed()) / 1e6 / kPings, kPings);
  }

  void oversizedPayloadIsRefusedLocally() {
    const LinkReply r = link_->call(RNNPOOL_MSG_PING, QByteArray(5000, 'x'));
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains("exceeds"), qPrintable(r.error));
  }

  void deviceErrorsAreRepliesNotRetries() {
    const LinkStats before = link_->stats();
    const LinkReply r = link_->call(0x42);
    QVERIFY(r.ok);
    QCOMPARE(r.type, uint8_t(RNNPOOL_MSG_ERROR));
    QCOMPARE(link_->stats().retries, before.retries);
  }

  void handshakeReportsTheDevice() {
    DeviceSession session(*link_);
    const DeviceInfo info = session.handshake(0u);
    QCOMPARE(info.board, std::string("qemu-netduinoplus2"));
    QCOMPARE(info.modelDigest, 0u);
    QCOMPARE(info.timeUnit, RNNPOOL_TIME_INSTRUCTIONS);
    QVERIFY(info.maxPayload > 0);
    QCOMPARE(info.layerCount, 1);
  }

  void handshakeRefusesAnotherModelDigest() {
    DeviceSession session(*link_);
    try {
      session.handshake(0x12345678u);
      QFAIL("a firmware with another model digest was accepted");
    } catch (const DeviceError &e) {
      QCOMPARE(e.kind(), DeviceError::Kind::DigestMismatch);
      const QString msg = e.what();
      QVERIFY2(msg.contains("0x00000000") && msg.contains("0x12345678"), e.what());
    }
  }

  void runFrameMatchesTheHostAndReadsTheTensorBack() {
    DeviceSession session(*link_);
    const DeviceInfo info = session.handshake(0u);
    const GrayFrame frame = randomFrame(32, 24, 3);
    const FrameResult r = session.runFrame(frame);
    QCOMPARE(r.digests.size(), size_t(1));
    QCOMPARE(r.digests[0].crc, rnnpool_crc32(frame.pixels.data(), frame.pixels.size()));
    QCOMPARE(r.digests[0].bytes, uint32_t(frame.pixels.size()));
    QCOMPARE(r.timings.frame_id, r.frameId);
    QVERIFY(r.timings.frame_total > 0);
    QVERIFY(r.memory.peak_total > 0);
    const LayerTensor t = session.fetchLayerTensor(0);
    QCOMPARE(t.width, 32);
    QCOMPARE(t.height, 24);
    QVERIFY(t.data == frame.pixels);

    // Through the comparison: bit-exact with real element metrics from the read-back tensor.
    StubHostReference reference(info.arenaSize);
    cv::Mat gray(24, 32, CV_8UC1, const_cast<uint8_t *>(frame.pixels.data()));
    const HostRun host = reference.run(gray);
    const FrameComparison c = compareFrame(host, r, {t}, reference);
    QVERIFY(c.bitExact);
    QVERIFY(c.layers[0].metrics.has_value());
    QCOMPARE(c.layers[0].metricsSource, std::string("tensor"));
    QCOMPARE(c.layers[0].metrics->count, frame.pixels.size());
    qInfo("[ measure ] 32x24 frame round trip %.1f ms (upload %.1f ms)", r.roundTripMs, r.uploadMs);
  }

  void fullSizeFrameRoundTrip() {
    DeviceSession session(*link_);
    session.handshake(0u);
    const GrayFrame frame = randomFrame(320, 240, 4);
    const FrameResult r = session.runFrame(frame);
    QCOMPARE(r.digests[0].crc, rnnpool_crc32(frame.pixels.data(), frame.pixels.size()));
    qInfo("[ measure ] 320x240 frame round trip %.1f ms (upload %.1f ms, %.1f KiB/s), device %u "
          "instructions",
          r.roundTripMs, r.uploadMs, 76800.0 / 1024.0 / (r.uploadMs / 1000.0),
          r.timings.frame_total);
  }

  void stateIsDisconnectedAfterClose() {
    DeviceLink other;
    other.open("/nonexistent/rnnpool-port");
    QVERIFY(other.waitForState(LinkState::Error, 5000));
    QVERIFY2(other.stateMessage().contains("/nonexistent/rnnpool-port"),
             qPrintable(other.stateMessage()));
    const LinkReply r = other.call(RNNPOOL_MSG_PING);
    QVERIFY(!r.ok);
  }
};

QTEST_GUILESS_MAIN(TestLinkQemu)
#include "tst_link_qemu.moc"
