// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/model_file.h"
#include "core/model/zoo.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace rnnpool;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  const auto *info = testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::temp_directory_path() /
                 ("rnnpool_io_" + std::string(info->name()) + "_" + std::to_string(getpid()));
  fs::create_directories(dir);
  return dir;
}

StateDict random_face() {
  return random_state_dict(make_rnnpool_face_m4(), 7);
}

std::string load_error(const StateDict &sd) {
  try {
    load_model(serialize_npz(sd), std::nullopt, "model file m.npz");
  } catch (const FormatError &e) {
    return e.what();
  }
  return "";
}

bool bits_equal(const std::vector<float> &a, const std::vector<float> &b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

const Conv2dParams &conv(const Graph &g, const std::string &name) {
  return std::get<Conv2dParams>(g.find(name)->params);
}

} // namespace

TEST(ModelFile, ExpectedArraysFollowSpecSection5) {
  std::map<std::string, std::string> shapes;
  for (const StateDictEntry &e : expected_state_dict(make_rnnpool_face_m4()))
    shapes[e.name] = shape_string(e.shape);
  EXPECT_EQ(shapes.at("conv.0.weight"), "[4,1,3,3]");
  EXPECT_EQ(shapes.at("conv.1.running_var"), "[4]");
  EXPECT_EQ(shapes.at("rnn_model.cell_rnn.cell.W"), "[4,16]");
  EXPECT_EQ(shapes.at("rnn_model.cell_bidirrnn.cell.U"), "[16,16]");
  EXPECT_EQ(shapes.at("rnn_model.cell_bidirrnn.cell.bias_update"), "[1,16]");
  EXPECT_EQ(shapes.at("rnn_model.cell_rnn.cell.zeta"), "[1,1]");
  EXPECT_EQ(shapes.at("mob.0.conv.0.0.weight"), "[128,64,1,1]");
  EXPECT_EQ(shapes.at("mob.0.conv.1.0.weight"), "[128,1,3,3]");
  EXPECT_EQ(shapes.at("mob.1.conv.2.weight"), "[32,64,1,1]");
  EXPECT_EQ(shapes.at("mob.2.conv.3.bias"), "[64]");
  EXPECT_EQ(shapes.at("mob.3.conv.0.1.weight"), "[128]");
  EXPECT_EQ(shapes.at("L2Norm3_3.weight"), "[32]");
  EXPECT_EQ(shapes.at("L2Norm5_3.weight"), "[64]");
  EXPECT_EQ(shapes.at("loc.0.weight"), "[4,32,3,3]");
  EXPECT_EQ(shapes.at("conf.0.weight"), "[4,32,3,3]");
  EXPECT_EQ(shapes.at("conf.1.weight"), "[2,32,3,3]");
  EXPECT_EQ(shapes.at("conf.3.bias"), "[2]");
  // 2 conv + 12 rnn + 4 blocks * 3 convs * 5 + 3 l2norm + 8 heads * 2
  EXPECT_EQ(shapes.size(), 5u + 12u + 60u + 3u + 16u);
}

TEST(ModelFile, SaveThenLoadGivesBitIdenticalParameters) {
  const StateDict sd = random_face();
  const Graph in_memory = graph_from_state_dict(make_rnnpool_face_m4(), sd, "memory");
  const fs::path path = temp_dir() / "m.npz";
  save_model_file(path.string(), sd, ModelManifest{});
  ASSERT_TRUE(fs::exists(temp_dir() / "m.json"));
  const LoadedModel loaded = load_model_file(path.string());
  ASSERT_EQ(loaded.graph.layers.size(), in_memory.layers.size());
  for (std::size_t i = 0; i < in_memory.layers.size(); ++i) {
    const Layer &a = in_memory.layers[i], &b = loaded.graph.layers[i];
    if (const auto *ca = std::get_if<Conv2dParams>(&a.params)) {
      const auto &cb = std::get<Conv2dParams>(b.params);
      EXPECT_TRUE(bits_equal(ca->weight, cb.weight)) << a.name;
      EXPECT_TRUE(bits_equal(ca->bias, cb.bias)) << a.name;
    } else if (const auto *pa = std::get_if<RNNPoolParams>(&a.params)) {
      const auto &pb = std::get<RNNPoolParams>(b.params);
      EXPECT_TRUE(bits_equal(pa->rnn1.W, pb.rnn1.W));
      EXPECT_TRUE(bits_equal(pa->rnn2.U, pb.rnn2.U));
      EXPECT_EQ(pa->rnn2.nu, pb.rnn2.nu);
    }
  }
  fs::remove_all(temp_dir());
}

TEST(ModelFile, ConvWeightsBecomeOhwiAndBatchNormIsFolded) {
  StateDict sd = random_face();
  // loc.1 has no batch norm: weight[o][i][y][x] = o*1000 + i*10 + y*3 + x (exact in float).
  NpyArray &w = sd.at("loc.1.weight");
  for (std::size_t o = 0; o < 4; ++o)
    for (std::size_t i = 0; i < 32; ++i)
      for (std::size_t k = 0; k < 9; ++k)
        w.floats[(o * 32 + i) * 9 + k] = float(o * 1000 + i * 10 + k);
  sd.at("conv.1.weight").floats = {2, 1, 1, 1};
  sd.at("conv.1.bias").floats = {0.5f, 0, 0, 0};
  sd.at("conv.1.running_mean").floats = {1, 0, 0, 0};
  sd.at("conv.1.running_var").floats = {4, 1, 1, 1};
  const Graph g = graph_from_state_dict(make_rnnpool_face_m4(), sd, "memory");

  const Conv2dParams &loc = conv(g, "loc.1");
  // OHWI index of (o=2, y=1, x=2, i=5) = ((2*3 + 1)*3 + 2)*32 + 5
  EXPECT_EQ(loc.weight[((2 * 3 + 1) * 3 + 2) * 32 + 5], float(2 * 1000 + 5 * 10 + 1 * 3 + 2));
  const Conv2dParams &c = conv(g, "conv");
  const float scale = 2.0f / std::sqrt(4.0f + 1e-5f);
  EXPECT_FLOAT_EQ(c.weight[4], sd.at("conv.0.weight").floats[4] * scale);
  EXPECT_FLOAT_EQ(c.bias[0], 0.5f - 1.0f * scale);
}

TEST(ModelFile, WrongShapeIsNamed) {
  StateDict sd = random_face();
  sd["mob.1.conv.2.weight"] = NpyArray::from_floats({32, 64, 3, 1}, std::vector<float>(6144));
  EXPECT_EQ(load_error(sd), "model file m.npz: array 'mob.1.conv.2.weight' has shape "
                            "[32,64,3,1], expected [32,64,1,1]");
}

TEST(ModelFile, MissingArrayIsNamed) {
  StateDict sd = random_face();
  sd.erase("conf.2.bias");
  EXPECT_EQ(load_error(sd), "model file m.npz: missing array 'conf.2.bias'");
}

TEST(ModelFile, ExtraArrayIsNamed) {
  StateDict sd = random_face();
  sd["extra.weight"] = NpyArray::from_floats({1}, {1});
  EXPECT_NE(load_error(sd).find("unknown array 'extra.weight'"), std::string::npos);
}

TEST(ModelFile, WrongDtypeAndNonFiniteValuesAreNamed) {
  StateDict sd = random_face();
  NpyArray ints;
  ints.dtype = NpyDtype::Int64;
  ints.shape = {4};
  ints.ints = {1, 2, 3, 4};
  sd["conv.1.bias"] = ints;
  EXPECT_NE(load_error(sd).find("array 'conv.1.bias' has dtype <i8"), std::string::npos);
  sd = random_face();
  sd.at("L2Norm4_3.weight").floats[3] = NAN;
  EXPECT_NE(load_error(sd).find("array 'L2Norm4_3.weight' contains NaN"), std::string::npos);
  sd = random_face();
  sd.at("mob.0.conv.3.running_var").floats[0] = -1.0f;
  EXPECT_NE(load_error(sd).find("'mob.0.conv.3.running_var' has a negative variance"),
            std::string::npos);
}

TEST(ModelFile, ModulePrefixAndAliasesAccepted) {
  const StateDict plain = random_face();
  StateDict sd;
  for (const auto &[name, a] : plain)
    sd["module." + name] = a;
  for (const char *field : {"W", "U", "bias_gate", "bias_update", "zeta", "nu"}) {
    sd[std::string("module.rnn_model.cell_rnn.unrollRNN.RNNCell.") + field] =
        plain.at(std::string("rnn_model.cell_rnn.cell.") + field);
    sd[std::string("module.rnn_model.cell_bidirrnn.unrollRNN.RNNCell.") + field] =
        plain.at(std::string("rnn_model.cell_bidirrnn.cell.") + field);
    sd[std::string("module.rnn_model.cell_bidirrnn.unrollRNN.RNNCell_reverse.") + field] =
        plain.at(std::string("rnn_model.cell_bidirrnn.cell.") + field);
  }
  EXPECT_EQ(load_error(sd), "");
  sd.at("module.rnn_model.cell_bidirrnn.unrollRNN.RNNCell_reverse.U").floats[5] += 1.0f;
  EXPECT_NE(load_error(sd).find("alias of array 'rnn_model.cell_bidirrnn.cell.U'"),
            std::string::npos)
      << load_error(sd);
}

TEST(ModelFile, NotAZipAndTruncatedFilesAreRejected) {
  const fs::path dir = temp_dir();
  const std::string bad = (dir / "bad.npz").string();
  const std::string text = "this is not a zip";
  write_binary_file(bad,
                    std::span(reinterpret_cast<const std::uint8_t *>(text.data()), text.size()));
  try {
    load_model_file(bad);
    FAIL();
  } catch (const FormatError &e) {
    EXPECT_EQ(std::string(e.what()).rfind("model file " + bad + ": not a valid zip", 0), 0u)
        << e.what();
  }
  std::vector<std::uint8_t> bytes = serialize_npz(random_face());
  bytes.resize(bytes.size() / 2);
  write_binary_file(bad, bytes);
  EXPECT_THROW(load_model_file(bad), FormatError);
  EXPECT_THROW(load_model_file((dir / "absent.npz").string()), FormatError);
  fs::remove_all(dir);
}

TEST(ModelFile, ManifestDefaultsRoundTripAndStrictness) {
  const ModelManifest d;
  EXPECT_EQ(d.input_width, 320);
  EXPECT_FLOAT_EQ(d.nms_iou, 0.3f);
  EXPECT_FLOAT_EQ(d.candidate_threshold, 0.05f);
  ModelManifest m;
  m.mean = 100.5f;
  m.input_width = 160;
  m.input_height = 120;
  m.description = "x";
  const ModelManifest back = parse_manifest(manifest_to_json(m), "m.json");
  EXPECT_EQ(back.mean, 100.5f);
  EXPECT_EQ(back.input_width, 160);
  EXPECT_EQ(back.description, "x");
  EXPECT_THROW(parse_manifest("{\"mena\": 1}", "m.json"), FormatError);
  EXPECT_THROW(parse_manifest("{\"architecture\": \"resnet\"}", "m.json"), FormatError);
  EXPECT_THROW(parse_manifest("{\"nms_iou\": 2}", "m.json"), FormatError);
  EXPECT_THROW(parse_manifest("{\"top_k\": 1.5}", "m.json"), FormatError);
  EXPECT_THROW(parse_manifest("[1", "m.json"), FormatError);
  EXPECT_EQ(manifest_path_for("a/b.npz"), "a/b.json");
}

TEST(ModelFile, RandomStateDictIsDeterministic) {
  const StateDict a = random_face(), b = random_face();
  EXPECT_TRUE(
      bits_equal(a.at("mob.2.conv.0.0.weight").floats, b.at("mob.2.conv.0.0.weight").floats));
  const StateDict c = random_state_dict(make_rnnpool_face_m4(), 8);
  EXPECT_FALSE(bits_equal(a.at("loc.0.weight").floats, c.at("loc.0.weight").floats));
}
