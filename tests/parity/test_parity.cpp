// SPDX-License-Identifier: GPL-3.0-or-later
// Golden parity: for every tests/data/parity/<prefix><input>.npz written by
// tools/training/export.py, the C++ float executor run on the stored pre-processed input must
// reproduce every head's raw PyTorch output (max abs error <= 1e-4), the C++ decoding of the
// PyTorch heads must give the stored boxes, and so must the C++ heads.
// When the image an input came from is in data/dataset, the C++ pre-processing is checked too.
// The model of a golden file is <prefix>model.npz beside it, or the bundled model for "trained_".
#include "core/detect/decode.h"
#include "core/detect/preprocess.h"
#include "core/detect/priors.h"
#include "core/io/model_file.h"
#include "core/io/npz.h"
#include "core/model/executor.h"
#include "core/model/shape_inference.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

using namespace rnnpool;
namespace fs = std::filesystem;

namespace {

const fs::path kSource(RNNPOOL_SOURCE_DIR);
const fs::path kParityDir = kSource / "tests/data/parity";
constexpr float kHeadTolerance = 1e-4f;
constexpr float kBoxTolerance = 1e-3f; // input pixels, after exp() of the offsets
constexpr float kScoreTolerance = 1e-5f;

bool ends_with(const std::string &s, const std::string &tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

struct GoldenCase {
  fs::path golden;
  fs::path model;
  std::string input_name; // file stem without the prefix, e.g. "video_cap12_edit_00000"
};

std::vector<GoldenCase> golden_cases() {
  std::vector<std::string> prefixes; // of "<prefix>model.npz"
  std::vector<fs::path> goldens;
  if (fs::is_directory(kParityDir))
    for (const auto &e : fs::directory_iterator(kParityDir)) {
      const std::string name = e.path().filename().string();
      if (!ends_with(name, ".npz")) continue;
      if (ends_with(name, "model.npz"))
        prefixes.push_back(name.substr(0, name.size() - std::string("model.npz").size()));
      else
        goldens.push_back(e.path());
    }
  std::sort(goldens.begin(), goldens.end());
  std::vector<GoldenCase> out;
  for (const fs::path &g : goldens) {
    const std::string stem = g.stem().string();
    GoldenCase c{g, {}, stem};
    std::size_t best = 0;
    for (const std::string &p : prefixes)
      if (stem.rfind(p, 0) == 0 && p.size() >= best) {
        best = p.size();
        c.model = kParityDir / (p + "model.npz");
        c.input_name = stem.substr(p.size());
      }
    if (c.model.empty() && stem.rfind("trained_", 0) == 0) {
      c.model = kSource / "resources/models/rnnpool-face-m4.npz";
      c.input_name = stem.substr(std::string("trained_").size());
    }
    out.push_back(c);
  }
  return out;
}

Tensor to_tensor(const NpyArray &a, int channels) {
  Tensor t(Shape{int(a.shape[0]), int(a.shape[1]), channels});
  std::copy(a.floats.begin(), a.floats.end(), t.values().begin());
  return t;
}

float max_abs_diff(std::span<const float> a, std::span<const float> b) {
  float worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

// Boxes in input pixels ([N, 5]: x1, y1, x2, y2, score), decoded as the detector decodes.
std::vector<Detection> decode_heads(const std::vector<std::vector<float>> &locs,
                                    const std::vector<std::vector<float>> &confs,
                                    const std::vector<Shape> &conf_shapes, int width, int height,
                                    const ModelManifest &m) {
  const std::vector<HeadAnchor> anchors = face_m4_anchors();
  const std::vector<Prior> priors = make_priors(conf_shapes, anchors, width, height);
  std::vector<HeadOutput> heads;
  for (std::size_t k = 0; k < locs.size(); ++k)
    heads.push_back({locs[k], confs[k], conf_shapes[k].c});
  std::vector<Detection> out = decode_detections(
      heads, priors, NmsConfig{m.candidate_threshold, m.nms_iou, m.top_k, m.keep_top_k});
  for (Detection &d : out) {
    d.x1 *= float(width), d.x2 *= float(width);
    d.y1 *= float(height), d.y2 *= float(height);
  }
  return out;
}

// Same boxes in the same score order; boxes whose scores tie within kScoreTolerance may come in
// either order (PyTorch's softmax and ours differ in the last bits).
void expect_same_boxes(const std::vector<Detection> &got, const NpyArray &want,
                       const std::string &what) {
  ASSERT_EQ(want.shape.size(), 2u);
  ASSERT_EQ(got.size(), want.shape[0]) << what << ": box count";
  std::vector<bool> used(got.size(), false);
  for (std::size_t i = 0; i < got.size(); ++i) {
    const float *w = &want.floats[i * 5];
    bool found = false;
    for (std::size_t j = 0; j < got.size() && !found; ++j) {
      const Detection &g = got[j];
      if (used[j] || std::abs(g.score - w[4]) > kScoreTolerance) continue;
      if (std::abs(g.x1 - w[0]) <= kBoxTolerance && std::abs(g.y1 - w[1]) <= kBoxTolerance &&
          std::abs(g.x2 - w[2]) <= kBoxTolerance && std::abs(g.y2 - w[3]) <= kBoxTolerance)
        used[j] = found = true;
    }
    ASSERT_TRUE(found) << what << ": PyTorch box " << i << " (" << w[0] << ", " << w[1] << ", "
                       << w[2] << ", " << w[3] << ", score " << w[4] << ") has no C++ twin";
  }
}

// The dataset image an input was made from ("video_cap12_edit_00000" -> kind video, stem
// cap12_edit_00000), when data/dataset is present.
std::optional<fs::path> source_image(const std::string &input_name) {
  const fs::path dataset = kSource / "data/dataset";
  std::ifstream in(dataset / "manifest.jsonl");
  for (std::string line; std::getline(in, line);) {
    const nlohmann::json row = nlohmann::json::parse(line, nullptr, false);
    if (!row.is_object() || !row.contains("kind") || !row.contains("path")) continue;
    const std::string kind = row["kind"], path = row["path"];
    if (kind + "_" + fs::path(path).stem().string() == input_name) return dataset / path;
  }
  return std::nullopt;
}

// gtest prints parameters; the golden file's name is what identifies a case.
void PrintTo(const GoldenCase &c, std::ostream *os) {
  *os << c.golden.filename().string();
}

class Parity : public testing::TestWithParam<GoldenCase> {};

TEST(ParityData, GoldenFilesArePresent) {
  // The committed random-init set at least; a missing model is a broken commit, not a skip.
  const std::vector<GoldenCase> cases = golden_cases();
  ASSERT_GE(cases.size(), 1u) << "no golden files in " << kParityDir;
  for (const GoldenCase &c : cases) {
    EXPECT_FALSE(c.model.empty()) << c.golden << ": no <prefix>model.npz beside it";
    if (!c.model.empty()) {
      EXPECT_TRUE(fs::exists(c.model)) << c.model;
    }
  }
}

TEST_P(Parity, HeadsBoxesAndPreprocessing) {
  const GoldenCase &c = GetParam();
  ASSERT_FALSE(c.model.empty());
  const NpzArrays golden = read_npz_file(c.golden.string());
  LoadedModel model = load_model_file(c.model.string());
  const NpyArray &input = golden.at("input");
  ASSERT_EQ(input.shape.size(), 2u);
  const int height = int(input.shape[0]), width = int(input.shape[1]);

  // Raw heads: the C++ executor on the PyTorch-preprocessed input.
  Graph graph = model.graph;
  graph.input_shape = Shape{height, width, 1};
  const std::map<std::string, Shape> shapes = infer_shapes(graph);
  Executor executor(graph);
  executor.run(to_tensor(input, 1));
  std::vector<std::vector<float>> cpp_locs, cpp_confs, torch_locs, torch_confs;
  std::vector<Shape> conf_shapes;
  for (const std::string &name : graph.outputs) {
    const Tensor &mine = executor.tensor(name);
    const NpyArray &theirs = golden.at(name);
    ASSERT_EQ(theirs.shape.size(), 3u) << name;
    ASSERT_EQ((Shape{int(theirs.shape[0]), int(theirs.shape[1]), int(theirs.shape[2])}),
              mine.shape())
        << name;
    const float err = max_abs_diff(mine.values(), theirs.floats);
    EXPECT_LE(err, kHeadTolerance) << name << " max abs error";
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", double(err));
    RecordProperty(name + "_max_abs_error", text);
    const bool is_loc = name.rfind("loc.", 0) == 0;
    (is_loc ? cpp_locs : cpp_confs).push_back(mine.values());
    (is_loc ? torch_locs : torch_confs).push_back(theirs.floats);
    if (!is_loc) conf_shapes.push_back(shapes.at(name));
  }
  ASSERT_EQ(cpp_locs.size(), 4u);

  // Post-processing parity: the C++ decoder on PyTorch's own heads gives PyTorch's boxes.
  const NpyArray &boxes = golden.at("boxes");
  expect_same_boxes(
      decode_heads(torch_locs, torch_confs, conf_shapes, width, height, model.manifest), boxes,
      "C++ decoding of the PyTorch heads");
  // End to end: C++ heads -> C++ boxes. Even an untrained model's 750 near-equal scores agree
  // once ties within kScoreTolerance may swap.
  expect_same_boxes(decode_heads(cpp_locs, cpp_confs, conf_shapes, width, height, model.manifest),
                    boxes, "C++ heads decoded in C++");

  // Pre-processing parity, when the source image is available (data/ is not committed).
  const std::optional<fs::path> image = source_image(c.input_name);
  if (!image) {
    std::cout << "[ note ] " << c.input_name
              << ": source image not in data/dataset, pre-processing not compared\n";
    return;
  }
  const PreprocessedImage pre =
      preprocess(read_image(image->string()),
                 PreprocessConfig{model.manifest.input_width, model.manifest.input_height,
                                  model.manifest.mean});
  ASSERT_EQ(pre.input.shape(), (Shape{height, width, 1})) << *image;
  const float err = max_abs_diff(pre.input.values(), input.floats);
  EXPECT_LE(err, kHeadTolerance) << *image << ": pre-processing max abs error";
}

std::string case_name(const testing::TestParamInfo<GoldenCase> &info) {
  std::string s = info.param.golden.stem().string();
  for (char &ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Golden, Parity, testing::ValuesIn(golden_cases()), case_name);

} // namespace
