// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/main_window.h"

#include <QLabel>

namespace rnnpool {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent) {
  setWindowTitle("RNNPool Studio");
  setCentralWidget(new QLabel(tr("RNNPool Studio"), this));
  resize(1280, 800);
}

} // namespace rnnpool
