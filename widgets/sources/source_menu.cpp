// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/sources/source_menu.h"

#include <QFileDialog>

namespace rnnpool {

SourceMenu::SourceMenu(QWidget *parent, CameraLister cameras)
    : QMenu(tr("&Source"), parent), list_cameras_(cameras ? std::move(cameras) : list_cameras) {
  setObjectName("sourceMenu");
  demo_ = addAction(tr("&Demo clip"), this, [this] { emit sourceRequested("demo"); });
  demo_->setEnabled(demo_clip_path().has_value());
  if (!demo_->isEnabled()) demo_->setText(tr("Demo clip (missing: run scripts/setup)"));
  cameras_menu_ = addMenu(tr("&Camera"));
  connect(cameras_menu_, &QMenu::aboutToShow, this, &SourceMenu::refreshCameras);
  addAction(tr("Open &video..."), this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        parentWidget(), tr("Open video"), {},
        tr("Videos (*.mp4 *.avi *.mkv *.mov *.webm *.mjpg);;All files (*)"));
    if (!path.isEmpty()) emit sourceRequested("file:" + path);
  });
  addAction(tr("Open &image folder..."), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(parentWidget(), tr("Open image folder"));
    if (!dir.isEmpty()) emit sourceRequested("file:" + dir);
  });
  refreshCameras();
}

void SourceMenu::refreshCameras() {
  cameras_menu_->clear();
  const std::vector<CameraInfo> cameras = list_cameras_();
  if (cameras.empty()) {
    cameras_menu_->addAction(tr("No camera found"))->setEnabled(false);
    return;
  }
  for (const CameraInfo &camera : cameras) {
    const QString label = QStringLiteral("%1 (%2)").arg(QString::fromStdString(camera.name),
                                                        QString::fromStdString(camera.device));
    const int index = camera.index;
    cameras_menu_->addAction(label, this, [this, index] {
      emit sourceRequested(QStringLiteral("camera:%1").arg(index));
    });
  }
}

} // namespace rnnpool
