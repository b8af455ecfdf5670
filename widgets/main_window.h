// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

namespace rnnpool {

// Placeholder main window; the real layout (live view, layers, RAM, device) is issue 8.
class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QWidget *parent = nullptr);
};

} // namespace rnnpool
