// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-studio with the REAL core backend: the layer rows and plans are the analysis' and the
// planner's numbers, the window shows the planner's peak for every strategy and dtype, a selected
// layer is highlighted in every view, frames run through the float detector (a random-weights
// model when no trained one is bundled: the boxes are meaningless but the path is the real one),
// no model means frames pass through with a plain message, and the headless FPS mode prints the
// app's own counters.
#include "app/studio/core_backend.h"
#include "app/studio/device_controller.h"
#include "core/analysis/layer_stats.h"
#include "core/capture/frame_source.h"
#include "core/io/model_file.h"
#include "core/model/zoo.h"
#include "core/plan/memory_plan.h"
#include "core/plan/strategy_liveness.h"
#include "widgets/common/number_format.h"
#include "widgets/device/device_panel.h"
#include "widgets/layers/layer_chart.h"
#include "widgets/layers/layer_view.h"
#include "widgets/live/live_view.h"
#include "widgets/main_window.h"
#include "widgets/model/layer_selection.h"
#include "widgets/model/layer_table_model.h"
#include "widgets/pipeline/pipeline.h"
#include "widgets/ram/memory_map_chart.h"
#include "widgets/ram/ram_timeline_chart.h"
#include "widgets/ram/ram_view.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <opencv2/videoio.hpp>

using namespace rnnpool;

class TestStudioCoreBackend : public QObject {
  Q_OBJECT
private:
  QTemporaryDir settings_dir_;
  QTemporaryDir work_dir_;
  QString random_model_;

  // The demo clip when scripts/setup built it, else a lossless clip written here.
  QString playableSource() {
    if (demo_clip_path()) return "demo";
    const QString path = work_dir_.filePath("clip.mkv");
    if (!QFileInfo::exists(path)) {
      cv::VideoWriter writer(path.toStdString(), cv::VideoWriter::fourcc('F', 'F', 'V', '1'), 25,
                             {320, 240});
      for (int i = 0; i < 50; ++i)
        writer.write(cv::Mat(240, 320, CV_8UC3, cv::Scalar(i * 4, 80, 200 - i * 3)));
    }
    return "file:" + path;
  }

  static QString peakTextFor(const MemoryPlan &plan) {
    return QString("peak %1 at %2")
        .arg(formatBytes(qint64(plan.peak_bytes)),
             QString::fromStdString(plan.steps.at(std::size_t(plan.peak_step)).layer));
  }

private slots:
  void initTestCase() {
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_dir_.path());
    QCoreApplication::setOrganizationName("rnnpool-studio-tests");
    QCoreApplication::setApplicationName("tst_studio_core_backend");
    // A random-weights model file, made the way rnnpool-cli init-model --random makes one.
    random_model_ = work_dir_.filePath("random.npz");
    ModelManifest manifest;
    manifest.description = "random weights (seed 7), not trained";
    save_model_file(random_model_.toStdString(), random_state_dict(make_rnnpool_face_m4(), 7),
                    manifest);
  }

  void withoutAModelFramesPassThroughAndTheStatusSaysHow() {
    // No bundled model in this checkout: the status names where it was looked for and what to do.
    if (!std::filesystem::exists(bundledModelCandidates().front())) {
      CoreStudioBackend bundled;
      QVERIFY(!bundled.hasModel());
      QCOMPARE(bundled.modelPath(), bundledModelCandidates().front());
      QVERIFY(bundled.statusMessage().startsWith(
          QString("No trained model found at %1: ")
              .arg(QString::fromStdString(bundled.modelPath()))));
      QVERIFY(bundled.statusMessage().contains("--model PATH"));
    }
    CoreStudioBackend backend("/nonexistent/rnnpool-face-m4.npz");
    QVERIFY(!backend.hasModel());
    QCOMPARE(backend.statusMessage(),
             QString("Model file /nonexistent/rnnpool-face-m4.npz does not exist; no detections"));
    const std::shared_ptr<FrameProcessor> processor = backend.makeProcessor();
    QVERIFY(processor);
    const cv::Mat frame(240, 320, CV_8UC3, cv::Scalar(10, 20, 30));
    const FrameResult result = processor->process(frame, 0.0f);
    QVERIFY(result.boxes.empty()); // no fake boxes
    QCOMPARE(result.frame.data, frame.data);
    // The architecture still has its layers and plans.
    QVERIFY(!backend.layers().isEmpty());
    QVERIFY(!backend.plan("layer", "f32").isEmpty());
  }

  void aFileThatIsNotAModelIsReportedByName() {
    const QString junk = work_dir_.filePath("junk.npz");
    QFile file(junk);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a zip");
    file.close();
    CoreStudioBackend backend(junk.toStdString());
    QVERIFY(!backend.hasModel());
    QVERIFY(backend.statusMessage().startsWith("Cannot load the model " + junk));
  }

  void layerRowsAreTheAnalysis() {
    CoreStudioBackend backend(random_model_.toStdString());
    QVERIFY(backend.hasModel());
    QVERIFY(backend.statusMessage().contains("Untrained model"));
    const GraphStats stats = analyze_graph(backend.graph());
    const QVector<LayerRow> rows = backend.layers();
    QCOMPARE(rows.size(), qsizetype(stats.layers.size()));
    qint64 params = 0, madds = 0;
    for (qsizetype i = 0; i < rows.size(); ++i) {
      const LayerStats &s = stats.layers[std::size_t(i)];
      QCOMPARE(rows[i].name, QString::fromStdString(s.name));
      QCOMPARE(rows[i].op, QString::fromLatin1(op_name(s.op)));
      QCOMPARE(rows[i].outputShape, QString::fromStdString(s.output_shape.to_string()));
      QCOMPARE(rows[i].bytesF32, qint64(s.output_shape.elements() * 4));
      QCOMPARE(rows[i].bytesI8, qint64(s.output_shape.elements()));
      QCOMPARE(rows[i].params, qint64(s.params));
      QCOMPARE(rows[i].madds, qint64(s.madds));
      params += rows[i].params;
      madds += rows[i].madds;
    }
    QCOMPARE(params, qint64(stats.total_params));
    QCOMPARE(madds, qint64(stats.total_madds));
    QVERIFY(
        std::any_of(rows.begin(), rows.end(), [](const LayerRow &r) { return r.op == "rnnpool"; }));
  }

  void plansAreThePlannersForEveryStrategyAndDtype() {
    CoreStudioBackend backend(random_model_.toStdString());
    for (const char *strategy : {"layer", "paper", "streaming"})
      for (const char *dtype : {"f32", "i8"}) {
        QElapsedTimer clock;
        clock.start();
        const MemoryPlanView view = backend.plan(strategy, dtype);
        const qint64 ms = clock.elapsed();
        const MemoryPlan plan =
            make_memory_plan(backend.graph(), parse_strategy(strategy), parse_dtype(dtype));
        qInfo("%s/%s: peak %zu, arena %zu (%s), %zu steps, %lld ms in the backend", strategy, dtype,
              plan.peak_bytes, plan.arena_bytes, plan.placer.c_str(), plan.steps.size(),
              (long long)ms);
        QCOMPARE(view.strategy, QString(strategy));
        QCOMPARE(view.dtype, QString(dtype));
        QCOMPARE(view.peakBytes, qint64(plan.peak_bytes));
        QCOMPARE(view.arenaBytes, qint64(plan.arena_bytes));
        QCOMPARE(view.peakStep, plan.peak_step);
        QCOMPARE(view.steps.size(), qsizetype(plan.steps.size()));
        for (qsizetype s = 0; s < view.steps.size(); ++s) {
          const PlanStep &core_step = plan.steps[std::size_t(s)];
          QCOMPARE(view.steps[s].layer, QString::fromStdString(core_step.layer));
          QCOMPARE(view.steps[s].liveBytes, qint64(core_step.live_bytes));
          QCOMPARE(view.steps[s].buffers.size(), qsizetype(core_step.live.size()));
          for (qsizetype b = 0; b < view.steps[s].buffers.size(); ++b) {
            const std::size_t index = core_step.live[std::size_t(b)];
            QCOMPARE(view.steps[s].buffers[b].name,
                     QString::fromStdString(plan.buffers[index].name));
            QCOMPARE(view.steps[s].buffers[b].offset, qint64(plan.offsets[index]));
            QCOMPARE(view.steps[s].buffers[b].bytes, qint64(plan.buffers[index].bytes));
          }
        }
        // Kinds: the input image is "input" in the layer plan, streaming buffers keep their own.
        QSet<QString> kinds;
        for (const PlanViewStep &step : view.steps)
          for (const PlanBuffer &b : step.buffers)
            kinds.insert(b.kind);
        if (QString(strategy) == "layer") QVERIFY(kinds.contains("input"));
        if (QString(strategy) == "streaming") QVERIFY(kinds.contains("ring"));
        QVERIFY(!kinds.contains("?"));
      }
  }

  void changingStrategyShowsThePlannersPeak() {
    auto backend = std::make_shared<CoreStudioBackend>(random_model_.toStdString());
    MainWindow window(backend);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    RamView *ram = window.ramView();
    for (const char *dtype : {"f32", "i8"})
      for (const char *strategy : {"paper", "streaming", "layer"}) {
        ram->setDtype(dtype);
        ram->setStrategy(strategy);
        const MemoryPlan plan =
            make_memory_plan(backend->graph(), parse_strategy(strategy), parse_dtype(dtype));
        QCOMPARE(ram->plan().strategy, QString(strategy));
        QCOMPARE(ram->plan().dtype, QString(dtype));
        QCOMPARE(ram->peakLabelText(), peakTextFor(plan));
        QCOMPARE(ram->timeline()->peakLabelText(), peakTextFor(plan));
      }
  }

  void selectingALayerHighlightsItInEveryView() {
    auto backend = std::make_shared<CoreStudioBackend>(random_model_.toStdString());
    MainWindow window(backend);
    window.ramView()->setStrategy("layer");
    window.ramView()->setDtype("f32");
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QVector<LayerRow> &rows = window.layerView()->model()->layers();
    const int rnnpool = int(std::find_if(rows.begin(), rows.end(),
                                         [](const LayerRow &r) { return r.op == "rnnpool"; }) -
                            rows.begin());
    QVERIFY(rnnpool < rows.size());
    QTableView *table = window.layerView()->table();
    table->scrollTo(window.layerView()->model()->index(rnnpool, 0));
    const QRect cell = table->visualRect(window.layerView()->model()->index(rnnpool, 0));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(window.selection()->currentLayer(), rnnpool);
    QCOMPARE(window.layerView()->selectedRow(), rnnpool);
    QCOMPARE(window.layerView()->chart()->highlightedLayer(), rnnpool);
    // The layer strategy runs one step per layer, so the RNNPool layer's step is its plan step.
    const int step = window.ramView()->plan().stepOfLayer(rows[rnnpool].name);
    QVERIFY(step >= 0);
    QCOMPARE(window.ramView()->highlightedStep(), step);
    QCOMPARE(window.ramView()->memoryMap()->highlightedStep(), step);
    // Another strategy keeps the selection on the same layer.
    window.ramView()->setStrategy("paper");
    QCOMPARE(window.ramView()->highlightedStep(),
             window.ramView()->plan().stepOfLayer(rows[rnnpool].name));
    QVERIFY(window.ramView()->highlightedStep() >= 0);
  }

  void switchingSourceRunsTheFloatDetector() {
    auto backend = std::make_shared<CoreStudioBackend>(random_model_.toStdString());
    MainWindow window(backend);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.statusText().contains("Untrained model"));
    QVERIFY(!window.openSource("file:/nope/missing.mp4"));
    QVERIFY(window.statusText().contains("/nope/missing.mp4"));
    const QString source = playableSource();
    QVERIFY(window.openSource(source));
    QCOMPARE(window.currentSource(), source);
    QTRY_VERIFY_WITH_TIMEOUT(window.liveView()->framesShown() >= 3, 30000);
    // Per-layer host times come from the executor: every layer measured.
    QTRY_VERIFY_WITH_TIMEOUT(window.layerView()->model()->layers().size() > 0 &&
                                 window.layerView()->model()->layers()[0].hostMs >= 0,
                             10000);
    for (const LayerRow &row : window.layerView()->model()->layers())
      QVERIFY2(row.hostMs >= 0, qPrintable(row.name));
    // Boxes (if the random model finds any) lie in the frame.
    const QImage image = window.liveView()->image();
    for (const DetectedBox &b : window.liveView()->hostBoxes()) {
      QVERIFY(b.x1 >= 0 && b.x2 <= image.width() && b.x1 <= b.x2);
      QVERIFY(b.y1 >= 0 && b.y2 <= image.height() && b.y1 <= b.y2);
    }
    qInfo("random model: %zu boxes on the last frame shown", window.liveView()->hostBoxes().size());
  }

  // The device bridge without QEMU: a dead port and a missing flashing tool each leave a plain
  // message in the panel (state and log) and the status bar, and the app keeps running.
  void deadDevicePortIsVisible() {
    auto backend = std::make_shared<CoreStudioBackend>(random_model_.toStdString());
    MainWindow window(backend);
    new DeviceController(&window, window.devicePanel(), &window);
    DevicePanel *panel = window.devicePanel();
    const QString port = "/nonexistent/ttyRNNPOOL";
    panel->setPort(port);
    QTest::mouseClick(panel->connectButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->state() == DevicePanel::LinkState::Error, 5000);
    QVERIFY2(panel->stateText().contains(port), qPrintable(panel->stateText()));
    QVERIFY2(window.statusText().contains(port), qPrintable(window.statusText()));
    QVERIFY(panel->logText().contains(port));
    QCOMPARE(panel->connectButton()->text(), QString("Connect"));
  }

  void missingFlashToolIsVisible() {
    if (!QStandardPaths::findExecutable("st-flash").isEmpty()) QSKIP("st-flash is installed here");
    auto backend = std::make_shared<CoreStudioBackend>(random_model_.toStdString());
    MainWindow window(backend);
    new DeviceController(&window, window.devicePanel(), &window);
    DevicePanel *panel = window.devicePanel();
    panel->setBackend("st-flash");
    QTest::mouseClick(panel->flashButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->state() == DevicePanel::LinkState::Error, 5000);
    QVERIFY2(panel->stateText().contains("st-flash") && panel->stateText().contains("not found"),
             qPrintable(panel->stateText()));
    QVERIFY(panel->logText().contains("not found"));
    QVERIFY2(window.statusText().contains("st-flash"), qPrintable(window.statusText()));
    QCOMPARE(panel->flashProgress(), 0);
  }

  void badCommandLinesGiveOneLineNamingTheCulprit_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("culprit");
    QTest::newRow("missing model")
        << QStringList{"--model", "/nope/model.npz"} << "/nope/model.npz";
    QTest::newRow("bad seconds") << QStringList{"--measure-fps", "soon"} << "soon";
    QTest::newRow("json alone") << QStringList{"--json"} << "--measure-fps";
    QTest::newRow("unpaced camera")
        << QStringList{"--source", "camera:7", "--measure-fps", "1", "--unpaced"} << "camera:7";
  }
  void badCommandLinesGiveOneLineNamingTheCulprit() {
    QFETCH(QStringList, args);
    QFETCH(QString, culprit);
    QProcess studio;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("XDG_CONFIG_HOME", settings_dir_.path());
    env.insert("OPENCV_LOG_LEVEL", "SILENT");
    studio.setProcessEnvironment(env);
    studio.start(RNNPOOL_STUDIO_EXE, args);
    QVERIFY(studio.waitForFinished(60000));
    QCOMPARE(studio.exitStatus(), QProcess::NormalExit); // no crash
    QVERIFY(studio.exitCode() != 0);
    QVERIFY(studio.readAllStandardOutput().isEmpty());
    const QStringList lines = QString::fromUtf8(studio.readAllStandardError())
                                  .split('\n', Qt::SkipEmptyParts)
                                  .filter("rnnpool-studio:");
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.first().contains(culprit), qPrintable(lines.first()));
  }

  void headlessModePrintsTheAppsFpsCounter_data() {
    QTest::addColumn<bool>("unpaced");
    QTest::newRow("paced") << false;
    QTest::newRow("unpaced") << true;
  }
  void headlessModePrintsTheAppsFpsCounter() {
    QFETCH(bool, unpaced);
    QProcess studio;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("XDG_CONFIG_HOME", settings_dir_.path()); // the user's settings stay untouched
    studio.setProcessEnvironment(env);
    QStringList args{"--source",      playableSource(),           "--model", random_model_,
                     "--measure-fps", RNNPOOL_FPS_WINDOW_SECONDS, "--json"};
    if (unpaced) args << "--unpaced";
    studio.start(RNNPOOL_STUDIO_EXE, args);
    QVERIFY(studio.waitForFinished(180000));
    QCOMPARE(studio.exitCode(), 0);
    const QByteArray out = studio.readAllStandardOutput().trimmed();
    QJsonParseError error;
    const QJsonObject report = QJsonDocument::fromJson(out, &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, out.constData());
    QCOMPARE(report["paced"].toBool(), !unpaced);
    const double fps = report["processed_fps"].toDouble();
    qInfo("%s: %s", unpaced ? "unpaced" : "paced", out.constData());
    // Reported, not judged: the acceptance number depends on the machine's load.
    QVERIFY(fps > 0);
    QVERIFY(report["mean_latency_ms"].toDouble() > 0);
  }
};

QTEST_MAIN(TestStudioCoreBackend)
#include "tst_studio_core_backend.moc"
