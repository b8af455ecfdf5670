// SPDX-License-Identifier: GPL-3.0-or-later
// Live view: BGR frames become RGB images once per update, boxes and stats reach the overlay, and
// the threshold slider emits clamped values.
#include "widgets/live/live_view.h"
#include "widgets/live/threshold_slider.h"

#include <QSignalSpy>
#include <QSlider>
#include <QtTest>

using namespace rnnpool;

class TestLiveView : public QObject {
  Q_OBJECT
private slots:
  void bgrFrameIsShownInRgbWithBoxes() {
    LiveView view;
    view.resize(640, 480);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    cv::Mat frame(60, 80, CV_8UC3, cv::Scalar(255, 0, 0)); // pure blue in OpenCV's BGR
    view.setFrame(frame, {{10, 10, 40, 50, 0.87f}});
    QCOMPARE(view.framesShown(), qint64(1));
    QCOMPARE(view.image().size(), QSize(80, 60));
    const QColor pixel = view.image().pixelColor(5, 5);
    QCOMPARE(pixel.blue(), 255);
    QCOMPARE(pixel.red(), 0);
    view.setDeviceBoxes({{12, 12, 38, 48, 0.8f}});
    view.setStats(24.5, 17.4);
    view.setSourceDescription("video demo.mp4");
    QCOMPARE(view.overlayText(),
             QString("24.5 FPS   17.4 ms   video demo.mp4   faces: 1 (device 1)"));
    // The painted widget shows the host box's green edge where the box maps to.
    const QImage shot = view.grab().toImage();
    const double scale = std::min(640.0 / 80, 480.0 / 60);
    const int left = int((640 - 80 * scale) / 2 + 10 * scale);
    const int mid_y = int((480 - 60 * scale) / 2 + 30 * scale);
    const QColor edge = shot.pixelColor(left, mid_y);
    QVERIFY2(edge.green() > 150 && edge.blue() < 150, qPrintable(edge.name()));
  }

  void grayFramesAreAccepted() {
    LiveView view;
    view.setFrame(cv::Mat(10, 10, CV_8UC1, cv::Scalar(77)), {});
    QCOMPARE(view.image().pixelColor(1, 1).red(), 77);
    view.setFrame(cv::Mat(), {}); // an empty frame clears the image instead of crashing
    QVERIFY(view.image().isNull());
  }

  void thresholdSliderEmitsClampedValues() {
    ThresholdSlider slider;
    QSignalSpy changed(&slider, &ThresholdSlider::thresholdChanged);
    slider.setThreshold(0.3f);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed[0][0].toFloat(), 0.3f);
    slider.setThreshold(2.0f);
    QCOMPARE(slider.threshold(), ThresholdSlider::kMax);
    slider.setThreshold(0.0f);
    QCOMPARE(slider.threshold(), ThresholdSlider::kMin);
    QTest::keyClick(slider.slider(), Qt::Key_Right);
    QCOMPARE(changed.last()[0].toFloat(), 0.06f);
  }
};

QTEST_MAIN(TestLiveView)
#include "tst_live_view.moc"
