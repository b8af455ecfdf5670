// SPDX-License-Identifier: GPL-3.0-or-later
// Fault injection: the link talks to the QEMU firmware through FaultProxy, which drops, flips
// and inserts 1,000 random bytes over a run of 64x48 frames of the real (quantized, streaming)
// model. No wrong result may be accepted (every accepted frame has all 18 layer digests and the
// detections of the host's bit-exact run; a layer tensor request only ever ends in the device's
// NOT_AVAILABLE or a reported failure), every frame either succeeds or fails with a reported
// error, no call outlives its worst-case timeout, and the same link and session work again once
// the faults stop, without a restart.
#include "firmware_bridge/host/device_link.h"
#include "firmware_bridge/host/device_session.h"
#include "tests/bridge/fault_proxy.h"
#include "tests/bridge/qemu_test_support.h"

#include <QElapsedTimer>
#include <QtTest>
#include <future>
#include <random>

using namespace rnnpool::bridge;

namespace {

constexpr uint32_t kFaultBudget = 1000;
constexpr int kWidth = 64, kHeight = 48;
// Two rows per chunk: the device computes what a chunk completes before it ACKs, so small
// chunks keep each ACK's delay (and the chunk timeout) short.
constexpr int kChunk = 128;

} // namespace

class TestFaultInjection : public QObject {
  Q_OBJECT
  std::unique_ptr<QemuFlasher> qemu_;
  std::unique_ptr<test::FaultProxy> proxy_;
  std::unique_ptr<DeviceLink> link_;
  std::unique_ptr<QuantizedHostReference> reference_;
  LinkOptions linkOptions_;
  SessionOptions sessionOptions_;

  // Worst case of one runFrame: every request exhausting its attempts, every resume used.
  int frameBoundMs() const {
    const int chunks = (kWidth * kHeight + kChunk - 1) / kChunk;
    const int shortRequests = 1 + sessionOptions_.resumeAttempts + 3; // BEGINs, GETs
    const int chunkRequests = chunks + sessionOptions_.resumeAttempts;
    // Each attempt: its timeout plus the wire time of a flush and a chunk at 115200 baud.
    const int wire = 900;
    return shortRequests * linkOptions_.defaultAttempts * (linkOptions_.defaultTimeoutMs + wire) +
           chunkRequests * linkOptions_.defaultAttempts * (sessionOptions_.chunkTimeoutMs + wire) +
           sessionOptions_.computeAttempts * (sessionOptions_.computeTimeoutMs + wire);
  }

private slots:
  void initTestCase() {
    reference_ = test::firmwareReference();
    qemu_ = test::startQemu();
    proxy_ = std::make_unique<test::FaultProxy>(qemu_->port().toStdString(), 20240601u);
    linkOptions_.defaultTimeoutMs = 250;
    linkOptions_.defaultAttempts = 10;
    linkOptions_.livenessTimeoutMs = 4000;
    sessionOptions_.chunkBytes = kChunk;
    // A 64x48 frame is ~20 M instructions in all, a chunk at most a few M: well under a second
    // of QEMU even on a loaded machine, and each byte dropped on the way in costs this long.
    sessionOptions_.chunkTimeoutMs = 1000;
    sessionOptions_.computeTimeoutMs = 4000;
    link_ = std::make_unique<DeviceLink>(linkOptions_);
    link_->open(QString::fromStdString(proxy_->path()));
    QVERIFY2(link_->waitForState(LinkState::Connected, 10000), qPrintable(link_->stateMessage()));
  }
  void cleanupTestCase() {
    link_.reset();
    proxy_.reset();
    qemu_.reset();
  }

  void thousandFaultsNeverYieldAWrongResult() {
    DeviceSession session(*link_, sessionOptions_);
    session.handshake(reference_->modelDigest());
    const LinkStats before = link_->stats();
    // Rates such that every reply can get through: the placeholder model's DETECTIONS reply
    // is ~560 bytes (45 boxes) at 64x48, which at 1 fault in 80 bytes would almost never
    // arrive intact. Towards the device, every lost byte costs a chunk timeout.
    proxy_->setFaults(1.0 / 1000, 1.0 / 300, kFaultBudget);

    int ok = 0, reported = 0, wrong = 0, tensorsRefused = 0;
    double slowestMs = 0;
    const int boundMs = frameBoundMs();
    QStringList reasons;
    QElapsedTimer run;
    run.start();
    for (unsigned i = 0; proxy_->counts().total() < kFaultBudget; ++i) {
      QVERIFY2(run.elapsed() < 600000, "fault budget not spent in 10 minutes");
      const GrayFrame frame = test::texturedFrame(kWidth, kHeight, i);
      const HostRun expected = test::hostRun(*reference_, frame);
      QElapsedTimer t;
      t.start();
      // Off the test thread, so a hang shows up as a missed deadline instead of a stuck suite.
      auto result = std::async(std::launch::async, [&] { return session.runFrame(frame); });
      QVERIFY2(
          result.wait_for(std::chrono::milliseconds(boundMs)) == std::future_status::ready,
          qPrintable(QString("frame %1 still running after its %2 ms bound").arg(i).arg(boundMs)));
      slowestMs = std::max(slowestMs, static_cast<double>(t.elapsed()));
      try {
        const FrameResult r = result.get();
        if (compareFrame(expected, r, {}, *reference_).bitExact)
          ++ok;
        else
          ++wrong;
        // Every few frames also ask for a layer tensor: the streaming device keeps none, so the
        // only right answer is its NOT_AVAILABLE; any tensor accepted would be a wrong result.
        if (i % 4 == 0) {
          try {
            session.fetchLayerTensor(static_cast<int>(i % RP_STREAM_LAYERS));
            ++wrong;
          } catch (const DeviceError &e) {
            if (e.deviceCode() != RNNPOOL_ERR_NOT_AVAILABLE) throw;
            ++tensorsRefused;
          }
        }
      } catch (const DeviceError &e) {
        ++reported; // detected and reported, not accepted
        if (reasons.size() < 5) reasons << e.what();
        QVERIFY2(link_->waitForState(LinkState::Connected, 15000),
                 qPrintable(link_->stateMessage()));
      }
    }
    const test::FaultCounts faults = proxy_->counts();
    proxy_->stopFaults();
    const LinkStats s = link_->stats();
    const quint32 detected = (s.crcErrors - before.crcErrors) +
                             (s.lengthErrors - before.lengthErrors) +
                             (s.deviceRejects - before.deviceRejects) +
                             (s.gapResets - before.gapResets) + (s.timeouts - before.timeouts);
    qInfo("[ measure ] injected %u faults (%u drops, %u flips, %u inserts; %u to device, %u to "
          "host) over %llu forwarded bytes in %.1f s",
          faults.total(), faults.drops, faults.flips, faults.inserts, faults.toDevice,
          faults.toHost, static_cast<unsigned long long>(faults.forwarded),
          static_cast<double>(run.elapsed()) / 1000.0);
    qInfo("[ measure ] detected: %u host CRC errors, %u length errors, %u device rejects, %u gap "
          "resets, %u timeouts (total %u); %u retries, %u failed requests, %u stale replies, %llu "
          "flush bytes",
          s.crcErrors - before.crcErrors, s.lengthErrors - before.lengthErrors,
          s.deviceRejects - before.deviceRejects, s.gapResets - before.gapResets,
          s.timeouts - before.timeouts, detected, s.retries - before.retries,
          s.failures - before.failures, s.staleReplies - before.staleReplies,
          static_cast<unsigned long long>(s.flushBytes - before.flushBytes));
    qInfo("[ measure ] frames: %d correct, %d reported failed, %d wrong; %d tensor requests "
          "answered NOT_AVAILABLE; slowest frame %.0f ms (bound %d ms); %u disconnects",
          ok, reported, wrong, tensorsRefused, slowestMs, boundMs,
          s.disconnects - before.disconnects);
    for (const QString &r : reasons)
      qInfo("[ measure ] reported: %s", qPrintable(r));

    QCOMPARE(faults.total(), kFaultBudget);
    QCOMPARE(wrong, 0);
    QVERIFY(ok > 0);
    QVERIFY2(detected > 0 && s.retries > before.retries, "faults were injected but none detected");

    // Recovery without restart: same link, same session, clean frames are right.
    QVERIFY2(link_->waitForState(LinkState::Connected, 15000), qPrintable(link_->stateMessage()));
    const rnnpool_memory_report memory = session.memoryReport();
    qInfo("[ measure ] device RX ring overflows since reset: %u", memory.rx_overflows);
    for (unsigned i = 0; i < 3; ++i) {
      const GrayFrame frame = test::texturedFrame(kWidth, kHeight, 100000 + i);
      QVERIFY(test::compareWithHost(*reference_, frame, session.runFrame(frame)).bitExact);
    }
  }
};

QTEST_GUILESS_MAIN(TestFaultInjection)
#include "tst_fault_injection.moc"
