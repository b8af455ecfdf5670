// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-cli eval end to end on a tiny dataset the test writes (drawn "faces": meaningless to the
// detectors, so this checks the plumbing, the JSON fields and the errors, not accuracy).
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const fs::path kParityModel =
    fs::path(RNNPOOL_SOURCE_DIR) / "tests/data/parity/random_init_model.npz";

std::string slurp(const fs::path &p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

class EvalCli : public testing::Test {
protected:
  void SetUp() override {
    const auto *info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("rnnpool_eval_" + std::string(info->name()) + "_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "ds/eval");
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliRun run(const std::string &args) {
    const fs::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    const std::string cmd =
        std::string(RNNPOOL_CLI) + " " + args + " >" + out.string() + " 2>" + err.string();
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  }

  // Three images: a grey oval "face" (video), two ovals (still), noise (negative).
  void write_dataset() {
    cv::Mat video(240, 320, CV_8UC3, cv::Scalar(90, 110, 130));
    cv::ellipse(video, {160, 120}, {40, 50}, 0, 0, 360, cv::Scalar(150, 170, 200), cv::FILLED);
    cv::imwrite((dir_ / "ds/eval/video.jpg").string(), video);
    cv::Mat still(300, 500, CV_8UC3, cv::Scalar(60, 60, 60));
    cv::ellipse(still, {120, 150}, {30, 40}, 0, 0, 360, cv::Scalar(140, 160, 190), cv::FILLED);
    cv::ellipse(still, {380, 150}, {30, 40}, 0, 0, 360, cv::Scalar(140, 160, 190), cv::FILLED);
    cv::imwrite((dir_ / "ds/eval/still.jpg").string(), still);
    cv::Mat noise(240, 320, CV_8UC3);
    cv::randu(noise, cv::Scalar::all(0), cv::Scalar::all(255));
    cv::imwrite((dir_ / "ds/eval/neg.jpg").string(), noise);
    std::ofstream m(dir_ / "ds/manifest.jsonl");
    m << R"({"path": "eval/video.jpg", "split": "eval", "kind": "video", "boxes": [[120, 70, 200, 170]], "width": 320, "height": 240})"
      << "\n"
      << R"({"path": "eval/still.jpg", "split": "eval", "kind": "still", "boxes": [[90, 110, 150, 190], [350, 110, 410, 190]], "width": 500, "height": 300})"
      << "\n"
      << R"({"path": "eval/neg.jpg", "split": "eval", "kind": "negative", "boxes": [], "width": 320, "height": 240})"
      << "\n"
      << R"({"path": "train/x.jpg", "split": "train", "kind": "video", "boxes": [], "width": 320, "height": 240})"
      << "\n";
  }

  fs::path dir_;
};

} // namespace

TEST_F(EvalCli, JsonHasEveryDetectorSubsetAndField) {
  write_dataset();
  const CliRun r =
      run("eval --model " + kParityModel.string() + " --dataset " + (dir_ / "ds").string() +
          " --json --baselines haar,blazeface,dlib --blazeface-onnx " +
          (dir_ / "absent.onnx").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["images"], 3); // the train row is not evaluated
  EXPECT_EQ(j["iou_threshold"], 0.5);
#ifdef RNNPOOL_HAVE_DLIB
  // dlib is built: it runs, with raw boxes (the dataset's one train/video row has no face to
  // measure the box mapping on).
  ASSERT_EQ(j["detectors"].size(), 3u);
  EXPECT_EQ(j["detectors"][2]["name"], "dlib-hog");
  EXPECT_EQ(j["detectors"][2]["operating_threshold"], 0.0);
#else
  ASSERT_EQ(j["detectors"].size(), 2u);
#endif
  EXPECT_EQ(j["detectors"][0]["name"], "rnnpool-face-m4");
  EXPECT_EQ(j["detectors"][0]["operating_threshold"], 0.5); // the parity model's manifest
  EXPECT_EQ(j["detectors"][1]["name"], "haar-alt2");
  EXPECT_TRUE(j["detectors"][1]["operating_threshold"].is_null());
  for (const auto &d : j["detectors"]) {
    const auto &subsets = d["subsets"];
    ASSERT_EQ(subsets.size(), 4u);
    EXPECT_EQ(subsets[0]["subset"], "eval/video");
    EXPECT_EQ(subsets[1]["subset"], "eval/still");
    EXPECT_EQ(subsets[2]["subset"], "eval/negative");
    EXPECT_EQ(subsets[3]["subset"], "overall");
    EXPECT_EQ(subsets[0]["faces"], 1);
    EXPECT_EQ(subsets[1]["faces"], 2);
    EXPECT_EQ(subsets[3]["faces"], 3);
    EXPECT_EQ(subsets[3]["negative_images"], 1);
    for (const char *key :
         {"images", "true_positives", "false_positives", "false_positives_on_negatives", "recall",
          "precision", "average_precision", "fp_per_negative_image", "ms_per_image"})
      EXPECT_TRUE(subsets[3].contains(key)) << key;
    // Subsets without faces or negatives have undefined metrics, not zeros.
    EXPECT_TRUE(subsets[2]["recall"].is_null());
    EXPECT_TRUE(subsets[2]["average_precision"].is_null());
    EXPECT_TRUE(subsets[0]["fp_per_negative_image"].is_null());
    EXPECT_TRUE(subsets[3]["recall"].is_number());
    EXPECT_TRUE(subsets[3]["fp_per_negative_image"].is_number());
    // Counts are consistent: FPs on negatives are among all FPs.
    EXPECT_LE(subsets[3]["false_positives_on_negatives"], subsets[3]["false_positives"]);
    EXPECT_EQ(subsets[2]["false_positives"], subsets[2]["false_positives_on_negatives"]);
  }
  const std::string notes = j["notes"].dump();
  EXPECT_NE(notes.find("blazeface skipped"), std::string::npos) << notes;
#ifdef RNNPOOL_HAVE_DLIB
  EXPECT_NE(notes.find("dlib box mapping: only 0 of 0 frames"), std::string::npos) << notes;
  EXPECT_NE(notes.find("raw dlib boxes"), std::string::npos) << notes;
#else
  EXPECT_NE(notes.find("dlib HOG skipped"), std::string::npos) << notes;
#endif
  EXPECT_NE(r.err.find("eval: 3/3 images"), std::string::npos) << r.err;
}

TEST_F(EvalCli, TableSubsetAndLimit) {
  write_dataset();
  const CliRun r = run("eval --model none --dataset " + (dir_ / "ds").string() +
                       " --baselines haar --subset eval/still --limit 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("detector"), std::string::npos);
  EXPECT_NE(r.out.find("haar-alt2"), std::string::npos);
  EXPECT_NE(r.out.find("eval/still"), std::string::npos);
  EXPECT_EQ(r.out.find("eval/video"), std::string::npos);
  EXPECT_EQ(r.out.find("rnnpool-face-m4 "), std::string::npos);
}

TEST_F(EvalCli, QuantizedModelIsASecondRow) {
  write_dataset();
  const std::string q = (dir_ / "q.json").string();
  ASSERT_EQ(run("quantize --model " + kParityModel.string() + " --calibration " +
                (dir_ / "ds/eval").string() + " --output " + q)
                .exit_code,
            0);
  const CliRun r = run("eval --model " + kParityModel.string() + " --quantized " + q +
                       " --dataset " + (dir_ / "ds").string() + " --json --baselines none");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["detectors"].size(), 2u);
  EXPECT_EQ(j["detectors"][1]["name"], "rnnpool-face-m4-int8");
  EXPECT_EQ(j["detectors"][1]["subsets"][3]["images"], 3);
}

TEST_F(EvalCli, ErrorsAreOneClearLine) {
  CliRun r = run("eval --model none --dataset " + (dir_ / "nowhere").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("rnnpool-cli eval: error: dataset '" + (dir_ / "nowhere").string() +
                       "' has no manifest.jsonl"),
            std::string::npos)
      << r.err;

  std::ofstream(dir_ / "ds/manifest.jsonl") << R"({"path": "a.jpg", "split": "eval"})"
                                            << "\n";
  r = run("eval --model none --dataset " + (dir_ / "ds").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("manifest.jsonl line 1: missing key 'kind'"), std::string::npos) << r.err;

  write_dataset();
  r = run("eval --model none --dataset " + (dir_ / "ds").string() + " --baselines sift");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown baseline 'sift'"), std::string::npos) << r.err;

  r = run("eval --model none --dataset " + (dir_ / "ds").string() + " --subset eval/synthetic");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no images in subset 'eval/synthetic'"), std::string::npos) << r.err;

  fs::remove(dir_ / "ds/eval/neg.jpg");
  r = run("eval --model none --dataset " + (dir_ / "ds").string() + " --baselines haar");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("neg.jpg"), std::string::npos) << r.err;
}
