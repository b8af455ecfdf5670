// SPDX-License-Identifier: GPL-3.0-or-later
// The serial link and the device session against the firmware under QEMU (the quantized
// RNNPool-Face-M4, streaming), over its real pty: every frame must equal the host's bit-exact run
// of the same model. Measured numbers are printed, never asserted.
#include "firmware_bridge/host/device_link.h"
#include "firmware_bridge/host/device_session.h"
#include "firmware_bridge/host/frame_comparison.h"
#include "firmware_bridge/protocol/payload_codec.h"
#include "tests/bridge/qemu_test_support.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace rnnpool::bridge;

class TestLinkQemu : public QObject {
  Q_OBJECT
  std::unique_ptr<QemuFlasher> qemu_;
  std::unique_ptr<DeviceLink> link_;
  std::unique_ptr<QuantizedHostReference> reference_;

private slots:
  void initTestCase() {
    reference_ = test::firmwareReference();
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
    const DeviceInfo info = session.handshake(reference_->modelDigest());
    QCOMPARE(info.board, std::string("qemu-netduinoplus2"));
    QCOMPARE(info.modelDigest, reference_->modelDigest());
    QCOMPARE(info.timeUnit, RNNPOOL_TIME_INSTRUCTIONS);
    QVERIFY(info.maxPayload > 0);
    QCOMPARE(info.layerCount, RP_STREAM_LAYERS);
    // The firmware's arena is the streaming i8 plan's for the 320x240 model input.
    QCOMPARE(uint64_t(info.arenaSize), reference_->plannedArenaBytes(320, 240));
  }

  void handshakeRefusesAnotherModelDigest() {
    DeviceSession session(*link_);
    const uint32_t other = reference_->modelDigest() ^ 0x00010000u;
    try {
      session.handshake(other);
      QFAIL("a firmware with another model digest was accepted");
    } catch (const DeviceError &e) {
      QCOMPARE(e.kind(), DeviceError::Kind::DigestMismatch);
      const QString msg = e.what();
      QVERIFY2(msg.contains(QString::fromStdString(hex32(reference_->modelDigest()))) &&
                   msg.contains(QString::fromStdString(hex32(other))),
               e.what());
    }
  }

  void runFrameIsBitExactWithTheHost() {
    DeviceSession session(*link_);
    session.handshake(reference_->modelDigest());
    const GrayFrame frame = test::texturedFrame(64, 48, 3);
    const FrameResult r = session.runFrame(frame);
    QCOMPARE(r.digests.size(), size_t(RP_STREAM_LAYERS));
    QCOMPARE(r.timings.frame_id, r.frameId);
    QVERIFY(r.timings.frame_total > 0);
    QVERIFY(r.memory.peak_total > 0);
    const FrameComparison c = test::compareWithHost(*reference_, frame, r);
    for (const LayerComparison &l : c.layers)
      QVERIFY2(l.digestsEqual,
               qPrintable(QString::fromStdString(l.name + ": device " + hex32(l.deviceCrc) +
                                                 ", host " + hex32(l.hostCrc))));
    QVERIFY(c.detectionsIdentical);
    QVERIFY(c.bitExact);
    QVERIFY2(!c.layers[0].metrics, "no element metrics without a tensor from the device");
    qInfo("[ measure ] 64x48 frame round trip %.1f ms (upload %.1f ms), device %u instructions, "
          "%zu detections",
          r.roundTripMs, r.uploadMs, r.timings.frame_total, r.detections.size());
  }

  void layerTensorsAreReportedNotAvailable() {
    // The streaming firmware never holds a layer whole: the session says so plainly.
    DeviceSession session(*link_);
    session.handshake(reference_->modelDigest());
    session.runFrame(test::texturedFrame(32, 24, 5));
    try {
      session.fetchLayerTensor(3);
      QFAIL("the streaming device sent a layer tensor");
    } catch (const DeviceError &e) {
      QCOMPARE(e.kind(), DeviceError::Kind::Rejected);
      QCOMPARE(e.deviceCode(), int(RNNPOOL_ERR_NOT_AVAILABLE));
      QVERIFY2(QString(e.what()).startsWith("layer 3 tensor not available from the device"),
               e.what());
    }
    try {
      session.fetchLayerTensor(RP_STREAM_LAYERS);
      QFAIL("a layer past the last was answered");
    } catch (const DeviceError &e) {
      QCOMPARE(e.deviceCode(), int(RNNPOOL_ERR_BAD_LAYER));
    }
    // The link is still in step: the next frame is right.
    const GrayFrame frame = test::texturedFrame(32, 24, 6);
    QVERIFY(test::compareWithHost(*reference_, frame, session.runFrame(frame)).bitExact);
  }

  void tooSmallFrameIsRefusedByTheDevice() {
    DeviceSession session(*link_);
    session.handshake(reference_->modelDigest());
    try {
      session.runFrame(test::texturedFrame(14, 14, 1));
      QFAIL("a 14x14 frame was accepted");
    } catch (const DeviceError &e) {
      QCOMPARE(e.deviceCode(), int(RNNPOOL_ERR_FRAME_UNSUPPORTED));
    }
  }

  void fullSizeFrameRoundTrip() {
    DeviceSession session(*link_);
    session.handshake(reference_->modelDigest());
    const GrayFrame frame = test::texturedFrame(320, 240, 4);
    const FrameResult r = session.runFrame(frame);
    const FrameComparison c = test::compareWithHost(*reference_, frame, r);
    QVERIFY(c.bitExact);
    QCOMPARE(uint64_t(r.memory.arena_high_water), reference_->plannedArenaBytes(320, 240));
    qInfo("[ measure ] 320x240 frame round trip %.1f ms (upload incl. streamed compute %.1f ms), "
          "device %u instructions (%.2f per MAdd), peak RAM %u B, %zu detections, %d resumes",
          r.roundTripMs, r.uploadMs, r.timings.frame_total,
          static_cast<double>(r.timings.frame_total) /
              static_cast<double>(reference_->madds(320, 240)),
          r.memory.peak_total, r.detections.size(), r.resumes);
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
