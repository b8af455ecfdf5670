// SPDX-License-Identifier: GPL-3.0-or-later
// The Source menu lists cameras by name (from the injected lister, never by probing), shows a
// disabled "No camera found" entry when there are none, and turns choices into source specs.
#include "widgets/sources/source_menu.h"

#include <QSignalSpy>
#include <QtTest>

using namespace rnnpool;

class TestSourceMenu : public QObject {
  Q_OBJECT
private slots:
  void noCameraGivesADisabledEntry() {
    SourceMenu menu(nullptr, [] { return std::vector<CameraInfo>{}; });
    const auto actions = menu.cameraMenu()->actions();
    QCOMPARE(actions.size(), 1);
    QCOMPARE(actions[0]->text(), QString("No camera found"));
    QVERIFY(!actions[0]->isEnabled());
  }

  void camerasAreListedByNameAndRequestTheirIndex() {
    std::vector<CameraInfo> cameras = {{0, "Integrated Webcam", "/dev/video0"},
                                       {2, "USB Camera", "/dev/video2"}};
    SourceMenu menu(nullptr, [&] { return cameras; });
    QSignalSpy requested(&menu, &SourceMenu::sourceRequested);
    const auto actions = menu.cameraMenu()->actions();
    QCOMPARE(actions.size(), 2);
    QCOMPARE(actions[1]->text(), QString("USB Camera (/dev/video2)"));
    actions[1]->trigger();
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested[0][0].toString(), QString("camera:2"));
    // A camera unplugged since: the next refresh (on opening the menu) drops it.
    cameras.pop_back();
    menu.refreshCameras();
    QCOMPARE(menu.cameraMenu()->actions().size(), 1);
  }

  void demoEntryRequestsTheDemo() {
    SourceMenu menu(nullptr, [] { return std::vector<CameraInfo>{}; });
    if (!menu.demoAction()->isEnabled()) QSKIP("the demo clip is missing (scripts/setup)");
    QSignalSpy requested(&menu, &SourceMenu::sourceRequested);
    menu.demoAction()->trigger();
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested[0][0].toString(), QString("demo"));
  }
};

QTEST_MAIN(TestSourceMenu)
#include "tst_source_menu.moc"
