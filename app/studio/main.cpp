// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-studio: the desktop app. The main window grows as the issues land (issue 8).
#include "widgets/main_window.h"

#include <QApplication>

int main(int argc, char **argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("RNNPool Studio");
  QApplication::setOrganizationName("RNNPool Studio");
  rnnpool::MainWindow window;
  window.show();
  return app.exec();
}
