// SPDX-License-Identifier: GPL-3.0-or-later
// Frame sources on real files decoded by OpenCV: a lossless FFV1 video written here, an image
// folder with a corrupt file in it, a camera that does not exist.
#include "core/capture/frame_source.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

namespace fs = std::filesystem;
using namespace rnnpool;

namespace {

fs::path fresh_dir(const std::string &name) {
  fs::path dir = fs::temp_directory_path() / ("rnnpool_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

cv::Mat numbered_frame(int i) {
  cv::Mat frame(48, 64, CV_8UC3, cv::Scalar(10 * i, 255 - 10 * i, 3 * i));
  return frame;
}

} // namespace

TEST(VideoFileSource, ReadsEveryFrameExactlyAndLoops) {
  const fs::path dir = fresh_dir("video");
  const std::string path = (dir / "clip.mkv").string();
  cv::VideoWriter writer(path, cv::VideoWriter::fourcc('F', 'F', 'V', '1'), 25.0, {64, 48});
  ASSERT_TRUE(writer.isOpened());
  for (int i = 0; i < 5; ++i)
    writer.write(numbered_frame(i));
  writer.release();

  VideoFileSource source(path, /*loop=*/true);
  EXPECT_NEAR(source.fps(), 25.0, 1e-6);
  cv::Mat frame;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(source.read(frame)) << source.error();
      EXPECT_EQ(cv::norm(frame, numbered_frame(i), cv::NORM_INF), 0.0) << "frame " << i;
    }
  }
  VideoFileSource once(path, /*loop=*/false);
  int frames = 0;
  while (once.read(frame))
    ++frames;
  EXPECT_EQ(frames, 5);
  EXPECT_TRUE(once.error().empty());
}

TEST(VideoFileSource, MissingOrGarbageFileIsAClearError) {
  EXPECT_THROW(VideoFileSource("/nonexistent/clip.mp4", false), std::invalid_argument);
  const fs::path dir = fresh_dir("garbage");
  std::ofstream(dir / "bad.mp4") << "this is not a video";
  EXPECT_THROW(VideoFileSource((dir / "bad.mp4").string(), false), std::invalid_argument);
}

TEST(ImageFolderSource, SkipsCorruptImagesInNameOrder) {
  const fs::path dir = fresh_dir("folder");
  cv::imwrite((dir / "a.png").string(), numbered_frame(1));
  std::ofstream(dir / "b.png") << "corrupt";
  cv::imwrite((dir / "c.png").string(), numbered_frame(3));
  std::ofstream(dir / "notes.txt") << "ignored";
  ImageFolderSource source(dir.string(), /*loop=*/false);
  EXPECT_EQ(source.count(), 3u);
  cv::Mat frame;
  ASSERT_TRUE(source.read(frame));
  EXPECT_EQ(cv::norm(frame, numbered_frame(1), cv::NORM_INF), 0.0);
  ASSERT_TRUE(source.read(frame));
  EXPECT_EQ(cv::norm(frame, numbered_frame(3), cv::NORM_INF), 0.0);
  EXPECT_FALSE(source.read(frame));
}

TEST(FrameSourceSpec, ParsesAndRejectsPlainly) {
  EXPECT_THROW(open_frame_source("camera:x"), std::invalid_argument);
  EXPECT_THROW(open_frame_source("webcam"), std::invalid_argument);
  EXPECT_THROW(open_frame_source("file:/nonexistent.mp4"), std::invalid_argument);
  // This machine has no camera: opening one fails cleanly, without probing other indices.
  if (list_cameras().empty()) {
    try {
      open_frame_source("camera:0");
      FAIL() << "camera 0 opened on a machine that lists no camera";
    } catch (const std::invalid_argument &e) {
      EXPECT_NE(std::string(e.what()).find("camera 0"), std::string::npos);
    }
  }
}

TEST(FrameSourceSpec, DemoClipDecodesWhenPresent) {
  if (!demo_clip_path()) GTEST_SKIP() << "demo clip not built (scripts/setup makes it)";
  auto source = open_frame_source("demo");
  cv::Mat frame;
  ASSERT_TRUE(source->read(frame)) << source->error();
  EXPECT_EQ(frame.cols, 400);
  EXPECT_EQ(frame.rows, 300);
}
