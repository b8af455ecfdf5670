// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/edgeml_import.h"

#include "core/io/npy.h"

#include <cmath>
#include <filesystem>

namespace rnnpool {
namespace {

struct CellReader {
  std::string dir;
  int index; // 1 or 2

  NpyArray read(const std::string &stem, std::vector<std::size_t> shape) const {
    const std::string path =
        (std::filesystem::path(dir) / (stem + std::to_string(index) + ".npy")).string();
    if (!std::filesystem::exists(path)) throw FormatError(path + ": missing EdgeML weight file");
    NpyArray a = read_npy_file(path);
    if (!a.is_float()) throw FormatError(path + ": dtype must be float32 or float64");
    // Biases may be saved as [h] instead of [1, h]; zeta/nu as scalars or [1].
    const bool flat_ok =
        shape.size() == 2 && shape[0] == 1 && a.elements() == shape[1] && a.shape.size() <= 1;
    if (a.shape != shape && !flat_ok)
      throw FormatError(path + ": shape " + shape_string(a.shape) + ", expected " +
                        shape_string(shape));
    for (float v : a.floats)
      if (!std::isfinite(v)) throw FormatError(path + ": contains NaN or infinity");
    return a;
  }

  FastGRNNCell cell(std::size_t expected_input = 0) const {
    const std::string w_path =
        (std::filesystem::path(dir) / ("W" + std::to_string(index) + ".npy")).string();
    if (!std::filesystem::exists(w_path))
      throw FormatError(w_path + ": missing EdgeML weight file");
    const NpyArray w_probe = read_npy_file(w_path);
    if (w_probe.shape.size() != 2 || w_probe.shape[0] == 0 || w_probe.shape[1] == 0 ||
        w_probe.shape[0] > 4096 || w_probe.shape[1] > 4096)
      throw FormatError(w_path + ": shape " + shape_string(w_probe.shape) +
                        ", expected [input, hidden]");
    if (expected_input && w_probe.shape[0] != expected_input)
      throw FormatError(w_path + ": input size " + std::to_string(w_probe.shape[0]) +
                        " does not match RNN1's hidden size " + std::to_string(expected_input));
    const std::size_t in = w_probe.shape[0], h = w_probe.shape[1];
    FastGRNNCell c;
    c.input_size = int(in);
    c.hidden_size = int(h);
    c.W = read("W", {in, h}).floats;
    c.U = read("U", {h, h}).floats;
    c.bias_gate = read("Bg", {1, h}).floats;
    c.bias_update = read("Bh", {1, h}).floats;
    c.zeta = read("zeta", {1, 1}).floats[0];
    c.nu = read("nu", {1, 1}).floats[0];
    return c;
  }
};

void write_cell(const FastGRNNCell &c, const std::string &dir, int index) {
  const std::size_t in = std::size_t(c.input_size), h = std::size_t(c.hidden_size);
  auto put = [&](const std::string &stem, std::vector<std::size_t> shape, std::vector<float> v) {
    write_npy_file((std::filesystem::path(dir) / (stem + std::to_string(index) + ".npy")).string(),
                   NpyArray::from_floats(std::move(shape), std::move(v)));
  };
  put("W", {in, h}, c.W);
  put("U", {h, h}, c.U);
  put("Bg", {1, h}, c.bias_gate);
  put("Bh", {1, h}, c.bias_update);
  put("zeta", {1, 1}, {c.zeta});
  put("nu", {1, 1}, {c.nu});
}

} // namespace

RNNPoolParams import_edgeml_rnnpool(const std::string &directory, int patch, int stride) {
  if (!std::filesystem::is_directory(directory))
    throw FormatError(directory + ": not a directory of EdgeML weights");
  if (patch < 1 || stride < 1) throw std::invalid_argument("RNNPool patch and stride must be >= 1");
  RNNPoolParams p;
  p.patch = patch;
  p.stride = stride;
  p.rnn1 = CellReader{directory, 1}.cell();
  p.rnn2 = CellReader{directory, 2}.cell(std::size_t(p.rnn1.hidden_size));
  return p;
}

void export_edgeml_rnnpool(const RNNPoolParams &params, const std::string &directory) {
  std::filesystem::create_directories(directory);
  write_cell(params.rnn1, directory, 1);
  write_cell(params.rnn2, directory, 2);
}

} // namespace rnnpool
