// SPDX-License-Identifier: GPL-3.0-or-later
// The Source menu: Demo, Camera (listed by name, never probed), Open video..., Open image
// folder.... It only turns the user's choice into a source spec ("demo", "camera:N", "file:PATH");
// opening it is the main window's job.
#pragma once

#include "core/capture/frame_source.h"

#include <QMenu>
#include <functional>

namespace rnnpool {

class SourceMenu : public QMenu {
  Q_OBJECT
public:
  using CameraLister = std::function<std::vector<CameraInfo>()>;

  // `cameras` defaults to list_cameras(); tests inject their own list.
  explicit SourceMenu(QWidget *parent = nullptr, CameraLister cameras = {});

  // Rebuilds the camera entries (also done each time the menu opens).
  void refreshCameras();
  QAction *demoAction() const { return demo_; }
  QMenu *cameraMenu() const { return cameras_menu_; }

signals:
  void sourceRequested(QString spec);

private:
  CameraLister list_cameras_;
  QAction *demo_;
  QMenu *cameras_menu_;
};

} // namespace rnnpool
