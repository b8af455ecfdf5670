// SPDX-License-Identifier: GPL-3.0-or-later
// Model file -> executor -> detector -> CLI, on a real photo (a frame of the demo clip that
// scripts/setup fetches into data/demo/demo.mp4).
#include "core/detect/detector.h"
#include "core/io/edgeml_import.h"
#include "core/model/zoo.h"
#include "core/ops/ops.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <sys/wait.h>
#include <unistd.h>

using namespace rnnpool;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  const auto *info = testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::temp_directory_path() /
                 ("rnnpool_e2e_" + std::string(info->name()) + "_" + std::to_string(getpid()));
  fs::create_directories(dir);
  return dir;
}

std::string slurp(const fs::path &p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

CliRun run_cli(const std::string &args, const fs::path &dir) {
  const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string cmd =
      std::string(RNNPOOL_CLI) + " " + args + " >" + out.string() + " 2>" + err.string();
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

// A real photo: frame 30 of the demo clip, written as JPEG.
fs::path demo_photo(const fs::path &dir) {
  const fs::path clip = fs::path(RNNPOOL_SOURCE_DIR) / "data/demo/demo.mp4";
  cv::VideoCapture cap(clip.string());
  if (!cap.isOpened()) throw std::runtime_error(clip.string() + " missing: run scripts/setup");
  cv::Mat frame;
  for (int i = 0; i <= 30; ++i)
    cap.read(frame);
  if (frame.empty()) throw std::runtime_error("cannot decode " + clip.string());
  const fs::path photo = dir / "photo.jpg";
  cv::imwrite(photo.string(), frame);
  return photo;
}

bool bits_equal(const Tensor &a, const Tensor &b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

} // namespace

TEST(ModelRoundTrip, SavedAndLoadedModelGivesBitIdenticalOutputs) {
  const fs::path dir = temp_dir();
  const StateDict sd = random_state_dict(make_rnnpool_face_m4(), 11);
  const Graph in_memory = graph_from_state_dict(make_rnnpool_face_m4(), sd, "memory");
  save_model_file((dir / "m.npz").string(), sd, ModelManifest{});
  const LoadedModel loaded = load_model_file((dir / "m.npz").string());

  Tensor input({240, 320, 1});
  for (std::size_t i = 0; i < input.size(); ++i)
    input.values()[i] = float(int(i * 2654435761u % 256)) - 117.312f;
  Executor a(in_memory), b(loaded.graph);
  a.run(input);
  b.run(input);
  for (const std::string &out : in_memory.outputs) {
    EXPECT_TRUE(bits_equal(a.tensor(out), b.tensor(out))) << out;
    // Not trivially zero: the outputs carry the random weights' signal.
    float sum = 0;
    for (float v : a.tensor(out).values())
      sum += std::abs(v);
    EXPECT_GT(sum, 0.0f) << out;
  }
  fs::remove_all(dir);
}

TEST(DetectCli, RealPhotoJsonMatchesInProcessDetector) {
  const fs::path dir = temp_dir();
  const fs::path photo = demo_photo(dir);
  const std::string model = (dir / "m.npz").string();
  ASSERT_EQ(run_cli("init-model --random --seed 5 --output " + model, dir).exit_code, 0);

  const CliRun r =
      run_cli("detect --model " + model + " --json --threshold 0.6 " + photo.string(), dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  ASSERT_EQ(j.at("images").size(), 1u);
  const nlohmann::json &img = j["images"][0];
  const cv::Mat decoded = cv::imread(photo.string());
  EXPECT_EQ(img.at("path"), photo.string());
  EXPECT_EQ(img.at("width"), decoded.cols);
  EXPECT_EQ(img.at("height"), decoded.rows);
  EXPECT_GT(img.at("ms").get<double>(), 0.0);

  FaceDetector detector(load_model_file(model));
  const DetectionResult expected = detector.detect(decoded, 0.6f);
  ASSERT_EQ(img.at("boxes").size(), expected.boxes.size());
  ASSERT_FALSE(expected.boxes.empty()); // random weights still fire on a 0.6 threshold
  float previous = 1.0f;
  for (std::size_t i = 0; i < expected.boxes.size(); ++i) {
    const nlohmann::json &b = img["boxes"][i];
    EXPECT_EQ(b.size(), 5u);
    EXPECT_FLOAT_EQ(b.at("x1").get<float>(), expected.boxes[i].x1);
    EXPECT_FLOAT_EQ(b.at("y2").get<float>(), expected.boxes[i].y2);
    const float score = b.at("score").get<float>();
    EXPECT_GT(score, 0.6f);
    EXPECT_LE(score, previous);
    previous = score;
    EXPECT_GE(b.at("x1").get<float>(), 0.0f);
    EXPECT_LE(b.at("x2").get<float>(), float(decoded.cols));
    EXPECT_LE(b.at("y2").get<float>(), float(decoded.rows));
    EXPECT_LE(b.at("x1").get<float>(), b.at("x2").get<float>());
  }
  fs::remove_all(dir);
}

TEST(DetectCli, VideoFramesAreTheClipsFramesAndDrawnImagesAreWritten) {
  const fs::path dir = temp_dir();
  const fs::path clip = fs::path(RNNPOOL_SOURCE_DIR) / "data/demo/demo.mp4";
  ASSERT_TRUE(fs::exists(clip)) << clip << " missing: run scripts/setup";
  const std::string model = (dir / "m.npz").string();
  ASSERT_EQ(run_cli("init-model --random --seed 5 --output " + model, dir).exit_code, 0);

  const CliRun r = run_cli("detect --model " + model + " --json --threshold 0.6 --video " +
                               clip.string() + " --frames 30,2 --draw " + (dir / "drawn").string(),
                           dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.at("images").size(), 2u);
  EXPECT_EQ(j["images"][0].at("path"), "demo_f00002"); // in clip order
  const nlohmann::json &f30 = j["images"][1];
  EXPECT_EQ(f30.at("path"), "demo_f00030");
  // Frame 30 straight from the decoder (not through the JPEG): the in-process detector agrees.
  cv::VideoCapture cap(clip.string());
  cv::Mat frame;
  for (int i = 0; i <= 30; ++i)
    cap.read(frame);
  FaceDetector detector(load_model_file(model));
  const DetectionResult expected = detector.detect(frame, 0.6f);
  ASSERT_EQ(f30.at("boxes").size(), expected.boxes.size());
  for (std::size_t i = 0; i < expected.boxes.size(); ++i)
    EXPECT_FLOAT_EQ(f30["boxes"][i].at("x1").get<float>(), expected.boxes[i].x1);
  for (const char *name : {"demo_f00002.jpg", "demo_f00030.jpg"}) {
    const cv::Mat drawn = cv::imread((dir / "drawn" / name).string());
    EXPECT_EQ(drawn.cols, frame.cols) << name;
    EXPECT_EQ(drawn.rows, frame.rows) << name;
  }

  const CliRun past =
      run_cli("detect --model " + model + " --video " + clip.string() + " --frames 1000000", dir);
  EXPECT_EQ(past.exit_code, 1);
  EXPECT_NE(past.err.find("frame 1000000 was asked for"), std::string::npos) << past.err;
  fs::remove_all(dir);
}

TEST(DetectCli, InputSizeChangeRebuildsTheGraph) {
  const StateDict sd = random_state_dict(make_rnnpool_face_m4(), 2);
  FaceDetector detector(LoadedModel{graph_from_state_dict(make_rnnpool_face_m4(), sd, "m"), {}});
  const cv::Mat wide(1080, 1920, CV_8UC3, cv::Scalar(90, 120, 150));
  const cv::Mat square(300, 300, CV_8UC1, cv::Scalar(80));
  EXPECT_EQ(detector.detect(wide).network_input, (Shape{208, 370, 1}));
  EXPECT_EQ(detector.detect(square).network_input, (Shape{277, 277, 1}));
  EXPECT_EQ(detector.executor()->tensor("input").shape(), (Shape{277, 277, 1}));
}

TEST(DetectCli, CorruptModelGivesOneErrorLine) {
  const fs::path dir = temp_dir();
  const fs::path photo = demo_photo(dir);
  std::ofstream(dir / "bad.npz") << "PK\x03\x04 truncated nonsense";
  const CliRun r =
      run_cli("detect --model " + (dir / "bad.npz").string() + " " + photo.string(), dir);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("bad.npz"), std::string::npos) << r.err;

  // A model with a wrong array shape names the array.
  StateDict sd = random_state_dict(make_rnnpool_face_m4(), 1);
  sd["conf.0.weight"] = NpyArray::from_floats({2, 32, 3, 3}, std::vector<float>(576));
  write_npz_file((dir / "wrong.npz").string(), sd);
  const CliRun w =
      run_cli("detect --model " + (dir / "wrong.npz").string() + " " + photo.string(), dir);
  EXPECT_NE(w.exit_code, 0);
  EXPECT_EQ(std::count(w.err.begin(), w.err.end(), '\n'), 1) << w.err;
  EXPECT_NE(w.err.find("array 'conf.0.weight' has shape [2,32,3,3], expected [4,32,3,3]"),
            std::string::npos)
      << w.err;

  // A missing image, too.
  ASSERT_EQ(run_cli("init-model --random -o " + (dir / "m.npz").string(), dir).exit_code, 0);
  const CliRun m = run_cli(
      "detect --model " + (dir / "m.npz").string() + " " + (dir / "nope.jpg").string(), dir);
  EXPECT_NE(m.exit_code, 0);
  EXPECT_EQ(std::count(m.err.begin(), m.err.end(), '\n'), 1) << m.err;
  EXPECT_NE(m.err.find("nope.jpg"), std::string::npos);
  fs::remove_all(dir);
}

TEST(RnnpoolOpCli, MatchesInProcessPatchOnEdgemlFiles) {
  const fs::path dir = temp_dir();
  const Graph g = graph_from_state_dict(make_rnnpool_face_m4(),
                                        random_state_dict(make_rnnpool_face_m4(), 4), "m");
  const RNNPoolParams p = std::get<RNNPoolParams>(g.find("rnn_model")->params);
  export_edgeml_rnnpool(p, (dir / "weights").string());
  const RNNPoolParams back = import_edgeml_rnnpool((dir / "weights").string());
  EXPECT_EQ(back.rnn1.W, p.rnn1.W);
  EXPECT_EQ(back.rnn2.nu, p.rnn2.nu);

  std::vector<float> trace(8 * 8 * 4);
  for (std::size_t i = 0; i < trace.size(); ++i)
    trace[i] = std::sin(float(i));
  write_npy_file((dir / "in.npy").string(), NpyArray::from_floats({8, 8, 4}, trace));
  const CliRun r =
      run_cli("rnnpool-op --weights " + (dir / "weights").string() + " --input " +
                  (dir / "in.npy").string() + " --output " + (dir / "out.npy").string(),
              dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const NpyArray out = read_npy_file((dir / "out.npy").string());
  ASSERT_EQ(out.shape, (std::vector<std::size_t>{64}));
  std::vector<float> expected(64), scratch(rnnpool_patch_scratch_floats(p, 8, 8));
  rnnpool_patch(p, trace.data(), 8, 8, 4, 8 * 4, expected.data(), scratch.data());
  EXPECT_EQ(out.floats, expected);

  // Wrong channel count and a malformed weight file are one-line errors naming the file.
  write_npy_file((dir / "in3.npy").string(),
                 NpyArray::from_floats({8, 8, 3}, std::vector<float>(192)));
  const CliRun c = run_cli("rnnpool-op --weights " + (dir / "weights").string() + " --input " +
                               (dir / "in3.npy").string() + " --output " + (dir / "o.npy").string(),
                           dir);
  EXPECT_NE(c.exit_code, 0);
  EXPECT_NE(c.err.find("in3.npy: 3 channels, but W1 expects 4"), std::string::npos) << c.err;
  write_npy_file((dir / "weights/U2.npy").string(),
                 NpyArray::from_floats({16, 15}, std::vector<float>(240)));
  const CliRun u = run_cli("rnnpool-op --weights " + (dir / "weights").string() + " --input " +
                               (dir / "in.npy").string() + " --output " + (dir / "o.npy").string(),
                           dir);
  EXPECT_NE(u.exit_code, 0);
  EXPECT_EQ(std::count(u.err.begin(), u.err.end(), '\n'), 1) << u.err;
  EXPECT_NE(u.err.find("U2.npy: shape [16,15], expected [16,16]"), std::string::npos) << u.err;
  fs::remove_all(dir);
}
