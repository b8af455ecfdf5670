// SPDX-License-Identifier: GPL-3.0-or-later
// The capture/detection pipeline on real threads with a real decoded video: a slow detector drops
// frames instead of queueing them, results arrive newest-first, and failures are reported.
#include "widgets/pipeline/pipeline.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <chrono>
#include <opencv2/videoio.hpp>
#include <thread>

using namespace rnnpool;

namespace {

class SlowProcessor : public FrameProcessor {
public:
  explicit SlowProcessor(int ms) : ms_(ms) {}
  FrameResult process(const cv::Mat &frame, float) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms_));
    FrameResult r;
    r.frame = frame;
    r.boxes.push_back({1, 2, 3, 4, 0.9f});
    r.latency_ms = ms_;
    return r;
  }

private:
  int ms_;
};

class ThrowingProcessor : public FrameProcessor {
public:
  FrameResult process(const cv::Mat &, float) override {
    throw std::runtime_error("model exploded");
  }
};

QString writeClip(const QTemporaryDir &dir, int frames, double fps) {
  const QString path = dir.filePath("clip.mkv");
  cv::VideoWriter writer(path.toStdString(), cv::VideoWriter::fourcc('F', 'F', 'V', '1'), fps,
                         {64, 48});
  for (int i = 0; i < frames; ++i)
    writer.write(cv::Mat(48, 64, CV_8UC3, cv::Scalar(i, i, i)));
  return path;
}

} // namespace

class TestPipeline : public QObject {
  Q_OBJECT
private slots:
  void slowDetectorDropsFramesInsteadOfQueueing() {
    QTemporaryDir dir;
    const QString clip = writeClip(dir, 40, 200.0);
    Pipeline pipeline;
    QSignalSpy ended(&pipeline, &Pipeline::sourceEnded);
    pipeline.setProcessor(std::make_shared<SlowProcessor>(40));
    pipeline.setSource(std::make_shared<VideoFileSource>(clip.toStdString(), false));
    std::int64_t last_index = -1;
    int results = 0;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 10000 && (ended.isEmpty() || pipeline.processedFrames() == 0)) {
      QTest::qWait(10);
      if (auto r = pipeline.takeResult()) {
        QVERIFY(r->frame_index > last_index);
        last_index = r->frame_index;
        QCOMPARE(r->boxes.size(), std::size_t(1));
        ++results;
      }
    }
    QVERIFY2(!ended.isEmpty(), "the finite clip should end");
    QTest::qWait(100);
    QCOMPARE(pipeline.capturedFrames(), std::int64_t(40));
    // 40 frames at 200 fps take 0.2 s; a 40 ms detector can finish only a handful of them.
    QVERIFY(pipeline.processedFrames() < 20);
    QVERIFY(pipeline.droppedFrames() > 0);
    QVERIFY(results > 0);
  }

  void detectorFailureIsReportedAndPipelineKeepsRunning() {
    QTemporaryDir dir;
    const QString clip = writeClip(dir, 5, 50.0);
    Pipeline pipeline;
    QSignalSpy failed(&pipeline, &Pipeline::processingFailed);
    pipeline.setProcessor(std::make_shared<ThrowingProcessor>());
    pipeline.setSource(std::make_shared<VideoFileSource>(clip.toStdString(), true));
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 5000);
    QVERIFY(failed.first().first().toString().contains("model exploded"));
    // Swap in a working detector: results flow again without a restart.
    pipeline.setProcessor(std::make_shared<SlowProcessor>(1));
    bool got_result = false;
    for (int i = 0; i < 500 && !got_result; ++i) {
      QTest::qWait(10);
      got_result = pipeline.takeResult().has_value();
    }
    QVERIFY(got_result);
  }

  void missingSourceFailsPlainly() {
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, open_frame_source("file:/nope/missing.mp4"));
  }
};

QTEST_MAIN(TestPipeline)
#include "tst_pipeline.moc"
