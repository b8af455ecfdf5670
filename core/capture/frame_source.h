// SPDX-License-Identifier: GPL-3.0-or-later
// Where frames come from: a camera, a video file, a folder of images, or the bundled demo clip.
// Plain OpenCV; the GUI runs a source on a worker thread.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

namespace rnnpool {

class FrameSource {
public:
  virtual ~FrameSource() = default;
  // Next frame (BGR, 8-bit). False at the end of a finite source or when a live source is lost;
  // error() then says which.
  virtual bool read(cv::Mat &frame) = 0;
  // Human-readable description ("camera 0", "video demo.mp4").
  virtual std::string description() const = 0;
  // Native frame rate when known (videos); 0 for live sources that pace themselves.
  virtual double fps() const { return 0.0; }
  // Finite sources (videos, folders) can loop; live ones cannot.
  virtual bool is_live() const { return false; }
  // Why the last read() failed; empty at a clean end of stream.
  const std::string &error() const { return error_; }

protected:
  std::string error_;
};

// A video file (anything OpenCV's videoio reads). Loops when `loop` is set.
class VideoFileSource : public FrameSource {
public:
  VideoFileSource(std::string path, bool loop);
  bool read(cv::Mat &frame) override;
  std::string description() const override;
  double fps() const override { return fps_; }

private:
  std::string path_;
  bool loop_;
  double fps_ = 0.0;
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Every image in a folder, in name order (png, jpg, jpeg, bmp, pgm, ppm). Loops when `loop` is set.
class ImageFolderSource : public FrameSource {
public:
  ImageFolderSource(std::string folder, bool loop);
  bool read(cv::Mat &frame) override;
  std::string description() const override;
  std::size_t count() const { return files_.size(); }

private:
  std::string folder_;
  bool loop_;
  std::vector<std::string> files_;
  std::size_t next_ = 0;
};

// A camera by OpenCV index. Opening never probes other indices.
class CameraSource : public FrameSource {
public:
  explicit CameraSource(int index);
  bool read(cv::Mat &frame) override;
  std::string description() const override;
  bool is_live() const override { return true; }

private:
  int index_;
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

struct CameraInfo {
  int index = 0;
  std::string name;   // from /sys/class/video4linux/videoN/name where the platform has it
  std::string device; // "/dev/video0"
};

// Cameras the platform lists by name (Linux: /sys/class/video4linux), without opening any device.
std::vector<CameraInfo> list_cameras();

// The bundled demo clip (data/demo/demo.mp4, made by scripts/setup); nullopt when absent.
std::optional<std::string> demo_clip_path();

// Parses "demo", "camera:N", "file:PATH" (video or image folder). Throws std::invalid_argument
// with a plain message when the spec is malformed or the source cannot be opened.
std::unique_ptr<FrameSource> open_frame_source(const std::string &spec);

} // namespace rnnpool
