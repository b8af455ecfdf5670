// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-studio: the desktop app.
//   rnnpool-studio [--source demo|camera:N|file:PATH] [--screenshot OUT.png --quit-after MS]
#include "app/studio/stub_backend.h"
#include "widgets/common/plot_refresher.h"
#include "widgets/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

// Without a display Qt aborts with a long plugin message; say what to do in one line instead.
bool hasDisplay(int argc, char **argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "-platform") == 0) return true;
  return std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY") || std::getenv("QT_QPA_PLATFORM");
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
  const QCommandLineOption screenshot_opt(
      "screenshot", "Save a PNG of the whole window just before quitting.", "out.png");
  const QCommandLineOption quit_opt("quit-after", "Quit after this many milliseconds.", "ms");
  parser.addOptions({source_opt, screenshot_opt, quit_opt});
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

  // The integrator swaps in the core-backed backend once detection, analysis and planning land.
  rnnpool::MainWindow window(std::make_shared<rnnpool::StubStudioBackend>());
  window.show();
  window.startInitialSource(parser.value(source_opt));

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
