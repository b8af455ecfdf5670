// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/capture/frame_source.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <opencv2/videoio/registry.hpp>
#include <stdexcept>

namespace fs = std::filesystem;

namespace rnnpool {

namespace {

// Video files go to FFmpeg (or the image-sequence reader for "f_%03d.png" patterns). CAP_ANY would
// also try camera backends such as gphoto2, which scan USB buses on every failed open.
bool open_video_file(cv::VideoCapture &capture, const std::string &path) {
  if (path.find('%') != std::string::npos) return capture.open(path, cv::CAP_IMAGES);
  if (cv::videoio_registry::hasBackend(cv::CAP_FFMPEG)) return capture.open(path, cv::CAP_FFMPEG);
  return capture.open(path, cv::CAP_ANY);
}

} // namespace

struct VideoFileSource::Impl {
  cv::VideoCapture capture;
};

VideoFileSource::VideoFileSource(std::string path, bool loop)
    : path_(std::move(path)), loop_(loop), impl_(std::make_shared<Impl>()) {
  if (path_.find('%') == std::string::npos && !fs::exists(path_))
    throw std::invalid_argument("video '" + path_ + "' does not exist");
  if (!open_video_file(impl_->capture, path_))
    throw std::invalid_argument("cannot decode video '" + path_ + "'");
  fps_ = impl_->capture.get(cv::CAP_PROP_FPS);
  if (!(fps_ > 0.0 && fps_ < 1000.0)) fps_ = 0.0;
}

bool VideoFileSource::read(cv::Mat &frame) {
  error_.clear();
  if (impl_->capture.read(frame) && !frame.empty()) return true;
  if (!loop_) return false;
  // Rewind by reopening: seeking is unreliable for some containers.
  impl_->capture.release();
  if (!open_video_file(impl_->capture, path_) || !impl_->capture.read(frame) || frame.empty()) {
    error_ = "video '" + path_ + "' could not be read again";
    return false;
  }
  return true;
}

std::string VideoFileSource::description() const {
  return "video " + fs::path(path_).filename().string();
}

ImageFolderSource::ImageFolderSource(std::string folder, bool loop)
    : folder_(std::move(folder)), loop_(loop) {
  if (!fs::is_directory(folder_)) throw std::invalid_argument("'" + folder_ + "' is not a folder");
  static const char *extensions[] = {".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm"};
  for (const auto &entry : fs::directory_iterator(folder_)) {
    if (!entry.is_regular_file()) continue;
    std::string ext = entry.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (std::find(std::begin(extensions), std::end(extensions), ext) != std::end(extensions))
      files_.push_back(entry.path().string());
  }
  std::sort(files_.begin(), files_.end());
  if (files_.empty()) throw std::invalid_argument("folder '" + folder_ + "' has no images");
}

bool ImageFolderSource::read(cv::Mat &frame) {
  error_.clear();
  // Skip unreadable files rather than stopping: one bad image must not end a folder run.
  for (std::size_t tries = 0; tries < files_.size(); ++tries) {
    if (next_ >= files_.size()) {
      if (!loop_) return false;
      next_ = 0;
    }
    const std::string &path = files_[next_++];
    frame = cv::imread(path, cv::IMREAD_COLOR);
    if (!frame.empty()) return true;
    error_ = "cannot decode image '" + path + "'";
  }
  return false;
}

std::string ImageFolderSource::description() const {
  return "folder " + fs::path(folder_).filename().string() + " (" + std::to_string(files_.size()) +
         " images)";
}

struct CameraSource::Impl {
  cv::VideoCapture capture;
};

CameraSource::CameraSource(int index) : index_(index), impl_(std::make_shared<Impl>()) {
  if (index < 0) throw std::invalid_argument("camera index must be >= 0");
    // On Linux ask V4L2 directly: CAP_ANY also tries gphoto2, whose USB autodetection is slow,
    // leaks, and is not a webcam path.
#ifdef __linux__
  const int backend = cv::CAP_V4L2;
#else
  const int backend = cv::CAP_ANY;
#endif
  if (!impl_->capture.open(index, backend))
    throw std::invalid_argument("camera " + std::to_string(index) + " cannot be opened");
}

bool CameraSource::read(cv::Mat &frame) {
  error_.clear();
  if (impl_->capture.read(frame) && !frame.empty()) return true;
  error_ = "camera " + std::to_string(index_) + " stopped delivering frames (unplugged?)";
  return false;
}

std::string CameraSource::description() const {
  return "camera " + std::to_string(index_);
}

std::vector<CameraInfo> list_cameras() {
  std::vector<CameraInfo> cameras;
  const fs::path sys("/sys/class/video4linux");
  std::error_code ec;
  if (!fs::is_directory(sys, ec)) return cameras;
  for (const auto &entry : fs::directory_iterator(sys, ec)) {
    const std::string node = entry.path().filename().string(); // "video0"
    if (node.rfind("video", 0) != 0) continue;
    CameraInfo info;
    try {
      info.index = std::stoi(node.substr(5));
    } catch (const std::exception &) {
      continue;
    }
    info.device = "/dev/" + node;
    std::ifstream name_file(entry.path() / "name");
    std::getline(name_file, info.name);
    if (info.name.empty()) info.name = node;
    cameras.push_back(info);
  }
  std::sort(cameras.begin(), cameras.end(),
            [](const CameraInfo &a, const CameraInfo &b) { return a.index < b.index; });
  return cameras;
}

std::optional<std::string> demo_clip_path() {
  std::vector<fs::path> candidates;
  if (const char *env = std::getenv("RNNPOOL_DEMO")) candidates.emplace_back(env);
#ifdef RNNPOOL_SOURCE_DIR
  candidates.emplace_back(fs::path(RNNPOOL_SOURCE_DIR) / "data/demo/demo.mp4");
#endif
  for (const auto &p : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return std::nullopt;
}

std::unique_ptr<FrameSource> open_frame_source(const std::string &spec) {
  if (spec == "demo") {
    auto path = demo_clip_path();
    if (!path)
      throw std::invalid_argument("the demo clip is missing: run scripts/setup to build it");
    return std::make_unique<VideoFileSource>(*path, /*loop=*/true);
  }
  if (spec.rfind("camera:", 0) == 0) {
    int index = -1;
    try {
      index = std::stoi(spec.substr(7));
    } catch (const std::exception &) {
      throw std::invalid_argument("bad camera source '" + spec + "' (expected camera:N)");
    }
    return std::make_unique<CameraSource>(index);
  }
  if (spec.rfind("file:", 0) == 0) {
    const std::string path = spec.substr(5);
    if (fs::is_directory(path)) return std::make_unique<ImageFolderSource>(path, /*loop=*/true);
    return std::make_unique<VideoFileSource>(path, /*loop=*/true);
  }
  throw std::invalid_argument("unknown source '" + spec +
                              "' (expected demo, camera:N or file:PATH)");
}

} // namespace rnnpool
