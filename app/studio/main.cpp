// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-studio: the desktop app.
//   rnnpool-studio [--source demo|camera:N|file:PATH] [--model PATH]
//                  [--screenshot OUT.png --quit-after MS]
//                  [--measure-fps SECONDS [--unpaced] [--warmup SECONDS] [--json]]
//                  [--device-qemu [--mirror-every N]]
#include "app/studio/core_backend.h"
#include "app/studio/device_controller.h"
#include "app/studio/fps_measurement.h"
#include "core/capture/frame_source.h"
#include "widgets/common/plot_refresher.h"
#include "widgets/main_window.h"
#include "widgets/pipeline/pipeline.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QTimer>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace {

// Without a display Qt aborts with a long plugin message; say what to do in one line instead.
bool hasDisplay(int argc, char **argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "-platform") == 0) return true;
  return std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY") || std::getenv("QT_QPA_PLATFORM");
}

// A positive number of seconds, or nullopt after printing why not.
std::optional<double> parseSeconds(const QString &option, const QString &value, double minimum) {
  bool ok = false;
  const double s = value.toDouble(&ok);
  if (ok && s >= minimum && s <= 3600) return s;
  std::fprintf(stderr, "rnnpool-studio: --%s needs seconds in [%g, 3600], got '%s'\n",
               qPrintable(option), minimum, qPrintable(value));
  return std::nullopt;
}

} // namespace

int main(int argc, char **argv) {
  if (!hasDisplay(argc, argv)) {
    std::fprintf(stderr, "rnnpool-studio: no display: run it under a desktop, with xvfb-run, or "
                         "with QT_QPA_PLATFORM=offscreen\n");
    return 2;
  }
  QApplication app(argc, argv);
  QApplication::setApplicationName("RNNPool Studio");
  QApplication::setOrganizationName("RNNPool Studio");

  QCommandLineParser parser;
  parser.setApplicationDescription("RNNPool face detection studio: live view, layers, RAM, device");
  parser.addHelpOption();
  const QCommandLineOption source_opt(
      "source", "Frame source: demo, camera:N or file:PATH (video or image folder).", "spec");
  const QCommandLineOption model_opt(
      "model", "Model file (.npz with its .json manifest); default: the bundled model.", "path");
  const QCommandLineOption screenshot_opt(
      "screenshot", "Save a PNG of the whole window just before quitting.", "out.png");
  const QCommandLineOption quit_opt("quit-after", "Quit after this many milliseconds.", "ms");
  const QCommandLineOption measure_opt(
      "measure-fps",
      "Run the source with all views live, then print the app's frame counters over this many "
      "seconds (after --warmup) and quit.",
      "seconds");
  const QCommandLineOption warmup_opt("warmup", "Seconds before --measure-fps starts counting.",
                                      "seconds", "1");
  const QCommandLineOption unpaced_opt(
      "unpaced", "With --measure-fps: read the video as fast as the detector consumes it instead "
                 "of at its native frame rate.");
  const QCommandLineOption json_opt("json", "With --measure-fps: print one JSON line.");
  const QCommandLineOption device_qemu_opt(
      "device-qemu", "On start: run this build's firmware under QEMU, connect to it and mirror "
                     "frames to it (the Device tab shows the comparison).");
  const QCommandLineOption mirror_every_opt(
      "mirror-every",
      "With --device-qemu: send every Nth processed frame (default 1; a frame "
      "arriving while the device is busy is skipped).",
      "N", "1");
  parser.addOptions({source_opt, model_opt, screenshot_opt, quit_opt, measure_opt, warmup_opt,
                     unpaced_opt, json_opt, device_qemu_opt, mirror_every_opt});
  parser.process(app);

  int quit_after = -1;
  if (parser.isSet(quit_opt)) {
    bool ok = false;
    quit_after = parser.value(quit_opt).toInt(&ok);
    if (!ok || quit_after < 0) {
      std::fprintf(stderr, "rnnpool-studio: --quit-after needs milliseconds >= 0, got '%s'\n",
                   qPrintable(parser.value(quit_opt)));
      return 2;
    }
  }
  const QString screenshot = parser.value(screenshot_opt);
  if (!screenshot.isEmpty() && quit_after < 0) {
    std::fprintf(stderr, "rnnpool-studio: --screenshot needs --quit-after MS\n");
    return 2;
  }
  int mirror_every = 1;
  if (parser.isSet(mirror_every_opt)) {
    bool ok = false;
    mirror_every = parser.value(mirror_every_opt).toInt(&ok);
    if (!ok || mirror_every < 1 || !parser.isSet(device_qemu_opt)) {
      std::fprintf(stderr,
                   "rnnpool-studio: --mirror-every needs --device-qemu and N >= 1, got "
                   "'%s'\n",
                   qPrintable(parser.value(mirror_every_opt)));
      return 2;
    }
  }
  const bool measure = parser.isSet(measure_opt);
  if (measure && parser.isSet(device_qemu_opt)) {
    std::fprintf(stderr, "rnnpool-studio: --device-qemu and --measure-fps do not go together\n");
    return 2;
  }
  std::optional<double> measure_s, warmup_s;
  if (measure) {
    measure_s = parseSeconds("measure-fps", parser.value(measure_opt), 0.1);
    warmup_s = parseSeconds("warmup", parser.value(warmup_opt), 0.0);
    if (!measure_s || !warmup_s) return 2;
    if (quit_after >= 0) {
      std::fprintf(stderr, "rnnpool-studio: --measure-fps quits by itself; drop --quit-after\n");
      return 2;
    }
  } else if (parser.isSet(unpaced_opt) || parser.isSet(json_opt)) {
    std::fprintf(stderr, "rnnpool-studio: --unpaced and --json go with --measure-fps\n");
    return 2;
  }

  auto core = std::make_shared<rnnpool::CoreStudioBackend>(parser.value(model_opt).toStdString());
  if (parser.isSet(model_opt) && !core->hasModel()) {
    // An explicit model that does not load is an error, not a reason to run without one.
    std::fprintf(stderr, "rnnpool-studio: %s\n", qPrintable(core->statusMessage()));
    return 2;
  }
  auto tally = std::make_shared<rnnpool::LatencyTally>();
  std::shared_ptr<rnnpool::StudioBackend> backend = core;
  if (measure) backend = std::make_shared<rnnpool::TallyingBackend>(core, tally);

  rnnpool::MainWindow window(backend);
  auto *device = new rnnpool::DeviceController(&window, window.devicePanel(), &window);
  window.show();
  if (parser.isSet(device_qemu_opt)) {
    window.deviceDock()->raise();
    device->startQemuSession(mirror_every);
  }

  if (!measure) {
    window.startInitialSource(parser.value(source_opt));
  } else {
    // Measurements use exactly the source asked for: no fallback to another one.
    const QString spec = parser.isSet(source_opt) ? parser.value(source_opt) : "demo";
    std::unique_ptr<rnnpool::FrameSource> source;
    try {
      source = rnnpool::open_frame_source(spec.toStdString());
    } catch (const std::exception &e) {
      std::fprintf(stderr, "rnnpool-studio: cannot open %s: %s\n", qPrintable(spec), e.what());
      return 1;
    }
    rnnpool::FpsReport header;
    header.source = QString::fromStdString(source->description());
    header.model = core->hasModel() ? QString::fromStdString(core->modelPath())
                                    : QStringLiteral("none (frames pass through)");
    header.clip_fps = source->fps();
    header.paced = !parser.isSet(unpaced_opt);
    if (!header.paced) {
      if (source->is_live()) {
        std::fprintf(stderr, "rnnpool-studio: --unpaced needs a video or folder, not %s\n",
                     qPrintable(spec));
        return 2;
      }
      const rnnpool::Pipeline *pipeline = window.pipeline();
      source = std::make_unique<rnnpool::DetectorPacedSource>(std::move(source), [pipeline] {
        return pipeline->capturedFrames() - pipeline->processedFrames() - pipeline->droppedFrames();
      });
    }
    window.useSource(std::move(source), spec);
    auto *measurement = new rnnpool::FpsMeasurement(&window, tally, *warmup_s, *measure_s, &app);
    const bool json = parser.isSet(json_opt);
    QObject::connect(measurement, &rnnpool::FpsMeasurement::finished, &app,
                     [&app, json](const rnnpool::FpsReport &report) {
                       const QByteArray out =
                           json ? report.toJson() + '\n' : report.toText().toUtf8();
                       std::fwrite(out.constData(), 1, std::size_t(out.size()), stdout);
                       std::fflush(stdout);
                       // No window.close(): a measurement must not overwrite the user's settings.
                       app.quit();
                     });
    measurement->start(header);
  }

  int exit_code = 0;
  if (quit_after >= 0) {
    QTimer::singleShot(quit_after, &window, [&] {
      if (!screenshot.isEmpty()) {
        rnnpool::PlotRefresher::instance().flush();
        if (!window.grab().save(screenshot)) {
          std::fprintf(stderr, "rnnpool-studio: could not write the screenshot %s\n",
                       qPrintable(screenshot));
          exit_code = 1;
        }
      }
      window.close();
      app.quit();
    });
  }
  const int rc = app.exec();
  return exit_code ? exit_code : rc;
}
