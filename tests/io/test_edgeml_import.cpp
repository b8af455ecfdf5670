// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/edgeml_import.h"
#include "core/io/npy.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace rnnpool;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  const auto *info = testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::temp_directory_path() /
                 ("rnnpool_edgeml_" + std::string(info->name()) + "_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

RNNPoolParams sample(int k, int h1, int h2) {
  RNNPoolParams p;
  auto fill = [](FastGRNNCell &c, int in, int h, float base) {
    c.input_size = in;
    c.hidden_size = h;
    c.W.assign(std::size_t(in * h), base);
    c.U.assign(std::size_t(h * h), base + 1);
    c.bias_gate.assign(std::size_t(h), base + 2);
    c.bias_update.assign(std::size_t(h), base + 3);
    c.zeta = base + 4;
    c.nu = base + 5;
  };
  fill(p.rnn1, k, h1, 0.5f);
  fill(p.rnn2, h1, h2, 10.5f);
  return p;
}

std::string import_error(const fs::path &dir) {
  try {
    import_edgeml_rnnpool(dir.string());
  } catch (const std::exception &e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST(EdgemlImport, RoundTripsAllTwelveTensors) {
  const fs::path dir = temp_dir();
  export_edgeml_rnnpool(sample(4, 16, 8), dir.string());
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 12);
  const RNNPoolParams p = import_edgeml_rnnpool(dir.string(), 8, 4);
  EXPECT_EQ(p.rnn1.input_size, 4);
  EXPECT_EQ(p.rnn1.hidden_size, 16);
  EXPECT_EQ(p.rnn2.hidden_size, 8);
  EXPECT_EQ(p.rnn2.U, std::vector<float>(64, 11.5f));
  EXPECT_EQ(p.rnn1.bias_update, std::vector<float>(16, 3.5f));
  EXPECT_EQ(p.rnn1.zeta, 4.5f);
  EXPECT_EQ(p.rnn2.nu, 15.5f);
  fs::remove_all(dir);
}

TEST(EdgemlImport, FlatBiasesAndScalarsAreAccepted) {
  const fs::path dir = temp_dir();
  export_edgeml_rnnpool(sample(4, 16, 16), dir.string());
  write_npy_file((dir / "Bg1.npy").string(),
                 NpyArray::from_floats({16}, std::vector<float>(16, 7)));
  write_npy_file((dir / "zeta2.npy").string(), NpyArray::from_floats({}, {0.25f}));
  const RNNPoolParams p = import_edgeml_rnnpool(dir.string());
  EXPECT_EQ(p.rnn1.bias_gate[3], 7.0f);
  EXPECT_EQ(p.rnn2.zeta, 0.25f);
  fs::remove_all(dir);
}

TEST(EdgemlImport, ErrorsNameTheFile) {
  const fs::path dir = temp_dir();
  export_edgeml_rnnpool(sample(4, 16, 16), dir.string());
  fs::remove(dir / "nu2.npy");
  EXPECT_NE(import_error(dir).find("nu2.npy: missing EdgeML weight file"), std::string::npos)
      << import_error(dir);

  export_edgeml_rnnpool(sample(4, 16, 16), dir.string());
  write_npy_file((dir / "W2.npy").string(),
                 NpyArray::from_floats({8, 16}, std::vector<float>(128)));
  EXPECT_NE(import_error(dir).find("W2.npy: input size 8 does not match RNN1's hidden size 16"),
            std::string::npos)
      << import_error(dir);

  export_edgeml_rnnpool(sample(4, 16, 16), dir.string());
  write_npy_file((dir / "Bh1.npy").string(),
                 NpyArray::from_floats({2, 16}, std::vector<float>(32)));
  EXPECT_NE(import_error(dir).find("Bh1.npy: shape [2,16], expected [1,16]"), std::string::npos)
      << import_error(dir);

  EXPECT_NE(import_error(dir / "absent").find("not a directory"), std::string::npos);
  fs::remove_all(dir);
}
