// SPDX-License-Identifier: GPL-3.0-or-later
// The host side of the comparison without a device: QuantizedHostReference over the firmware's
// model file (18 digests, detections as the device encodes them, whole-tensor outputs consistent
// with the streaming digests) and compareFrame's verdicts on a "device" result built from the host
// run and then altered one field at a time.
#include "firmware_bridge/host/firmware_paths.h"
#include "firmware_bridge/host/frame_comparison.h"
#include "firmware_bridge/host/quantized_host_reference.h"
#include "firmware_bridge/protocol/crc32.h"

#include <QtTest>
#include <cmath>

using namespace rnnpool::bridge;

namespace {

cv::Mat texture(int w, int h) {
  cv::Mat gray(h, w, CV_8UC1);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      gray.at<uint8_t>(y, x) =
          static_cast<uint8_t>(128.0 + 90.0 * std::sin(0.17 * x + 1.0) * std::cos(0.11 * y));
  return gray;
}

// What a device that agrees with the host would have sent.
FrameResult deviceFrom(const HostRun &host, const rnnpool::quant::StreamingRun &run) {
  FrameResult r;
  r.frameId = 7;
  for (const HostLayer &l : host.layers)
    r.digests.push_back({l.crc, l.bytes});
  for (const rp_face_detection_t &d : run.detections) {
    const rnnpool::compare::Box b = toDeviceBox(d);
    r.detections.push_back({static_cast<int16_t>(b.x0), static_cast<int16_t>(b.y0),
                            static_cast<int16_t>(b.x1), static_cast<int16_t>(b.y1),
                            static_cast<uint16_t>(d.score_q15 * 2), 1});
  }
  return r;
}

} // namespace

class TestFrameComparison : public QObject {
  Q_OBJECT
  std::unique_ptr<QuantizedHostReference> reference_;
  HostRun host_;

private slots:
  void initTestCase() {
    reference_ =
        std::make_unique<QuantizedHostReference>(defaultFirmwareQuantizedModel().toStdString());
    host_ = reference_->run(texture(64, 48));
  }

  void referenceGivesTheDevicesEighteenLayers() {
    QCOMPARE(host_.layers.size(), size_t(RP_STREAM_LAYERS));
    QCOMPARE(host_.layers.front().name, std::string("conv"));
    QCOMPARE(host_.layers.back().name, std::string("conf.3"));
    QCOMPARE(host_.detections.size(), reference_->lastRun().detections.size());
    QVERIFY(reference_->madds(320, 240) > reference_->madds(64, 48));
    QVERIFY(reference_->plannedArenaBytes(320, 240) > reference_->plannedArenaBytes(64, 48));
  }

  void wholeTensorOutputsMatchTheStreamingDigests() {
    for (size_t i = 0; i < host_.layers.size(); ++i) {
      const auto bytes = reference_->layerOutput(i);
      QVERIFY2(bytes.has_value(), host_.layers[i].name.c_str());
      QCOMPARE(uint32_t(bytes->size()), host_.layers[i].bytes);
      QCOMPARE(rnnpool_crc32(bytes->data(), bytes->size()), host_.layers[i].crc);
    }
    QVERIFY(!reference_->layerOutput(RP_STREAM_LAYERS).has_value());
  }

  void agreeingDeviceIsBitExactWithoutInventedMetrics() {
    const FrameComparison c =
        compareFrame(host_, deviceFrom(host_, reference_->lastRun()), {}, *reference_);
    QVERIFY(c.bitExact);
    QVERIFY(c.detectionsIdentical);
    QCOMPARE(c.detections.matched.size(), host_.detections.size());
    for (const LayerComparison &l : c.layers) {
      QVERIFY(l.digestsEqual);
      QVERIFY(!l.metrics.has_value());
    }
    const nlohmann::json j = toJson(c);
    QCOMPARE(j["layers_digest_equal"].get<int>(), RP_STREAM_LAYERS);
  }

  void oneDifferentDigestBreaksBitExactness() {
    FrameResult device = deviceFrom(host_, reference_->lastRun());
    device.digests[4].crc ^= 1u;
    const FrameComparison c = compareFrame(host_, device, {}, *reference_);
    QVERIFY(!c.bitExact);
    QVERIFY(!c.layers[4].digestsEqual);
    QCOMPARE(c.layers[4].note, std::string("digests differ; the device sent no tensor"));
    QVERIFY(QString::fromStdString(toLine(c)).contains("17/18 layer digests equal"));
  }

  void aMovedBoxIsMatchedButNotIdentical() {
    if (host_.detections.empty()) QSKIP("the model gives no detection on this frame");
    FrameResult device = deviceFrom(host_, reference_->lastRun());
    device.detections[0].x1 += 1;
    const FrameComparison c = compareFrame(host_, device, {}, *reference_);
    QVERIFY(!c.detectionsIdentical);
    QVERIFY(!c.bitExact);
    QVERIFY(c.detections.agree()); // still matched by IoU
  }

  void aTensorFromTheDeviceGivesElementMetrics() {
    // Layer 0 (conv, int8) as a device that keeps tensors would send it, one element off.
    LayerTensor t;
    t.layer = 0;
    t.dtype = RNNPOOL_DTYPE_I8;
    t.data = *reference_->layerOutput(0);
    t.data[10] = static_cast<uint8_t>(t.data[10] + 1);
    std::vector<std::optional<LayerTensor>> tensors(1);
    tensors[0] = t;
    const FrameComparison c =
        compareFrame(host_, deviceFrom(host_, reference_->lastRun()), tensors, *reference_);
    QVERIFY(c.layers[0].metrics.has_value());
    QCOMPARE(c.layers[0].metrics->mismatches, size_t(1));
    QVERIFY(!c.layers[0].metrics->bit_exact);
  }

  void missingModelFileIsNamed() {
    try {
      QuantizedHostReference missing("/nonexistent/model.q.json");
      QFAIL("a missing model file was accepted");
    } catch (const std::exception &e) {
      QVERIFY2(QString(e.what()).contains("/nonexistent/model.q.json"), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestFrameComparison)
#include "tst_frame_comparison.moc"
