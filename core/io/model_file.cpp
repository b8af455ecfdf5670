// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/model_file.h"

#include "core/model/batch_norm.h"
#include "core/model/shape_inference.h"
#include "core/model/zoo.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>

namespace rnnpool {
namespace {

[[noreturn]] void fail(const std::string &what, const std::string &msg) {
  throw FormatError(what + ": " + msg);
}

// ---------------------------------------------------------------------------------------------
// State_dict naming: which PyTorch arrays each graph layer owns.

enum class Role {
  ConvWeight,
  ConvBias,
  BnGamma,
  BnBeta,
  BnMean,
  BnVar,
  L2Scale,
  RnnW,
  RnnU,
  RnnBiasGate,
  RnnBiasUpdate,
  RnnZeta,
  RnnNu,
  FcWeight,
  FcBias
};

struct ConvNaming {
  std::string weight;
  std::string bn;   // batch-norm prefix ("conv.1"), empty when the conv has its own bias
  std::string bias; // used when bn is empty
};

bool ends_with(const std::string &s, std::string_view suffix) {
  return s.ends_with(suffix);
}

// The reference model's module paths: ConvBNReLU "conv" = Sequential(conv, bn, relu6); MobileNetV2
// InvertedResidual "mob.i.conv" = [expand ConvBNReLU,] depthwise ConvBNReLU, project conv, bn;
// detection heads "loc.k"/"conf.k" are plain biased convs.
ConvNaming conv_naming(const Graph &g, const Layer &l) {
  if (l.name == "conv") return {"conv.0.weight", "conv.1", ""};
  const std::string b = l.block + ".conv.";
  const bool expands = g.find(l.block + ".expand") != nullptr;
  if (ends_with(l.name, ".expand")) return {b + "0.0.weight", b + "0.1", ""};
  if (ends_with(l.name, ".dw"))
    return expands ? ConvNaming{b + "1.0.weight", b + "1.1", ""}
                   : ConvNaming{b + "0.0.weight", b + "0.1", ""};
  if (ends_with(l.name, ".project"))
    return expands ? ConvNaming{b + "2.weight", b + "3", ""}
                   : ConvNaming{b + "1.weight", b + "2", ""};
  return {l.name + ".weight", "", l.name + ".bias"};
}

const char *const kCellRnn = ".cell_rnn.cell.";
const char *const kCellBidir = ".cell_bidirrnn.cell.";

using ParamVisitor =
    std::function<void(const Layer &, const std::string &, std::vector<std::size_t>, Role)>;

void visit_params(const Graph &g, const ParamVisitor &visit) {
  const std::map<std::string, Shape> shapes = infer_shapes(g);
  for (const Layer &l : g.layers) {
    const std::size_t in_c = l.inputs.empty() ? 0 : std::size_t(shapes.at(l.inputs[0]).c);
    if (const auto *c = std::get_if<Conv2dParams>(&l.params)) {
      const ConvNaming n = conv_naming(g, l);
      const std::size_t out = std::size_t(c->out_channels), k = std::size_t(c->kernel);
      visit(l, n.weight, {out, in_c / std::size_t(c->groups), k, k}, Role::ConvWeight);
      if (n.bn.empty()) {
        visit(l, n.bias, {out}, Role::ConvBias);
      } else {
        visit(l, n.bn + ".weight", {out}, Role::BnGamma);
        visit(l, n.bn + ".bias", {out}, Role::BnBeta);
        visit(l, n.bn + ".running_mean", {out}, Role::BnMean);
        visit(l, n.bn + ".running_var", {out}, Role::BnVar);
      }
    } else if (const auto *p = std::get_if<RNNPoolParams>(&l.params)) {
      for (const auto &[prefix, cell] :
           {std::pair{l.name + kCellRnn, &p->rnn1}, std::pair{l.name + kCellBidir, &p->rnn2}}) {
        const std::size_t in = std::size_t(cell->input_size), h = std::size_t(cell->hidden_size);
        visit(l, prefix + "W", {in, h}, Role::RnnW);
        visit(l, prefix + "U", {h, h}, Role::RnnU);
        visit(l, prefix + "bias_gate", {1, h}, Role::RnnBiasGate);
        visit(l, prefix + "bias_update", {1, h}, Role::RnnBiasUpdate);
        visit(l, prefix + "zeta", {1, 1}, Role::RnnZeta);
        visit(l, prefix + "nu", {1, 1}, Role::RnnNu);
      }
    } else if (l.op == OpKind::L2Norm) {
      visit(l, l.name + ".weight", {in_c}, Role::L2Scale);
    } else if (const auto *f = std::get_if<FullyConnectedParams>(&l.params)) {
      visit(l, l.name + ".weight", {std::size_t(f->out_features), in_c}, Role::FcWeight);
      visit(l, l.name + ".bias", {std::size_t(f->out_features)}, Role::FcBias);
    }
  }
}

// "...cell_rnn.unrollRNN.RNNCell.W" -> "...cell_rnn.cell.W" (and RNNCell_reverse): the
// reference registers the same parameters under these names too.
std::optional<std::string> alias_target(const std::string &name) {
  for (const std::string_view alias : {".unrollRNN.RNNCell_reverse.", ".unrollRNN.RNNCell."}) {
    const std::size_t at = name.find(alias);
    if (at != std::string::npos)
      return name.substr(0, at) + ".cell." + name.substr(at + alias.size());
  }
  return std::nullopt;
}

bool same_values(const NpyArray &a, const NpyArray &b) {
  return a.shape == b.shape && a.floats.size() == b.floats.size() &&
         std::equal(a.floats.begin(), a.floats.end(), b.floats.begin(),
                    [](float x, float y) { return std::memcmp(&x, &y, sizeof x) == 0; });
}

// PyTorch [out][in/g][kh][kw] -> graph [out][kh][kw][in/g].
std::vector<float> oihw_to_ohwi(const NpyArray &a) {
  const std::size_t O = a.shape[0], I = a.shape[1], H = a.shape[2], W = a.shape[3];
  std::vector<float> out(a.floats.size());
  for (std::size_t o = 0; o < O; ++o)
    for (std::size_t i = 0; i < I; ++i)
      for (std::size_t y = 0; y < H; ++y)
        for (std::size_t x = 0; x < W; ++x)
          out[((o * H + y) * W + x) * I + i] = a.floats[((o * I + i) * H + y) * W + x];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Manifest

template <typename T>
T get_number(const nlohmann::json &v, const std::string &what, const std::string &key, T lo, T hi) {
  const bool ok = std::is_integral_v<T> ? v.is_number_integer() : v.is_number();
  if (!ok)
    fail(what, "'" + key + "' must be " + (std::is_integral_v<T> ? "an integer" : "a number"));
  const double d = v.get<double>();
  if (!(d >= double(lo) && d <= double(hi)))
    fail(what, "'" + key + "' = " + v.dump() + " is out of range [" + std::to_string(lo) + ", " +
                   std::to_string(hi) + "]");
  return v.get<T>();
}

// Deterministic uniform floats in [lo, hi) from a 32-bit generator.
struct Uniform {
  std::mt19937 gen;
  float operator()(float lo, float hi) {
    return lo + (hi - lo) * float(gen() >> 8) * (1.0f / 16777216.0f);
  }
};

} // namespace

ModelManifest parse_manifest(const std::string &json_text, const std::string &what) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception &e) {
    fail(what, std::string("invalid JSON (") + e.what() + ")");
  }
  if (!j.is_object()) fail(what, "the manifest must be a JSON object");
  ModelManifest m;
  for (const auto &[key, v] : j.items()) {
    if (key == "architecture" || key == "description") {
      if (!v.is_string()) fail(what, "'" + key + "' must be a string");
      (key == "architecture" ? m.architecture : m.description) = v.get<std::string>();
    } else if (key == "input_width") {
      m.input_width = get_number<int>(v, what, key, 16, 4096);
    } else if (key == "input_height") {
      m.input_height = get_number<int>(v, what, key, 16, 4096);
    } else if (key == "mean") {
      m.mean = get_number<float>(v, what, key, -255.0f, 255.0f);
    } else if (key == "score_threshold") {
      m.score_threshold = get_number<float>(v, what, key, 0.0f, 1.0f);
    } else if (key == "candidate_threshold") {
      m.candidate_threshold = get_number<float>(v, what, key, 0.0f, 1.0f);
    } else if (key == "nms_iou") {
      m.nms_iou = get_number<float>(v, what, key, 0.0f, 1.0f);
    } else if (key == "top_k") {
      m.top_k = get_number<int>(v, what, key, 1, 1000000);
    } else if (key == "keep_top_k") {
      m.keep_top_k = get_number<int>(v, what, key, 1, 1000000);
    } else {
      fail(what, "unknown key '" + key + "'");
    }
  }
  const std::vector<std::string> known = zoo_model_names();
  if (std::find(known.begin(), known.end(), m.architecture) == known.end())
    fail(what, "unknown architecture '" + m.architecture + "'");
  return m;
}

std::string manifest_to_json(const ModelManifest &m) {
  nlohmann::ordered_json j;
  j["architecture"] = m.architecture;
  if (!m.description.empty()) j["description"] = m.description;
  j["input_width"] = m.input_width;
  j["input_height"] = m.input_height;
  j["mean"] = m.mean;
  j["score_threshold"] = m.score_threshold;
  j["candidate_threshold"] = m.candidate_threshold;
  j["nms_iou"] = m.nms_iou;
  j["top_k"] = m.top_k;
  j["keep_top_k"] = m.keep_top_k;
  return j.dump(2) + "\n";
}

std::string manifest_path_for(const std::string &model_path) {
  if (model_path.ends_with(".npz")) return model_path.substr(0, model_path.size() - 4) + ".json";
  return model_path + ".json";
}

std::vector<StateDictEntry> expected_state_dict(const Graph &architecture) {
  std::vector<StateDictEntry> out;
  visit_params(architecture,
               [&](const Layer &, const std::string &name, std::vector<std::size_t> shape, Role) {
                 out.push_back({name, std::move(shape)});
               });
  return out;
}

Graph graph_from_state_dict(const Graph &architecture, const StateDict &state_dict,
                            const std::string &what) {
  const std::vector<StateDictEntry> expected = expected_state_dict(architecture);
  std::map<std::string, const std::vector<std::size_t> *> expected_shape;
  for (const StateDictEntry &e : expected)
    expected_shape[e.name] = &e.shape;

  // Normalise names: strip DataParallel's "module.", set aside aliases and num_batches_tracked.
  std::map<std::string, const NpyArray *> arrays;
  std::vector<std::pair<std::string, const NpyArray *>> aliases;
  for (const auto &[raw_name, array] : state_dict) {
    std::string name = raw_name;
    if (name.starts_with("module.")) name = name.substr(7);
    const std::string label = "array '" + raw_name + "'";
    if (name.ends_with(".num_batches_tracked")) {
      const std::string bn = name.substr(0, name.size() - 20);
      if (!expected_shape.count(bn + ".running_mean"))
        fail(what,
             "unknown " + label + " (no such batch norm in " + architecture.architecture + ")");
      if (array.dtype != NpyDtype::Int64 || array.elements() != 1)
        fail(what, label + " must be an int64 scalar");
      continue; // a training counter; inference ignores it
    }
    if (const std::optional<std::string> target = alias_target(name)) {
      if (!expected_shape.count(*target))
        fail(what, "unknown " + label + " (not part of " + architecture.architecture + ")");
      aliases.emplace_back(*target, &array);
      continue;
    }
    if (!expected_shape.count(name))
      fail(what, "unknown " + label + " (not part of " + architecture.architecture + ")");
    if (!arrays.emplace(name, &array).second)
      fail(what, label + " appears both with and without the 'module.' prefix");
  }
  for (const auto &[target, array] : aliases) {
    auto it = arrays.find(target);
    if (it == arrays.end()) {
      arrays.emplace(target, array); // only the alias was saved: it is the parameter
    } else if (array->dtype == NpyDtype::Int64 || !same_values(*it->second, *array)) {
      fail(what, "an alias of array '" + target +
                     "' (unrollRNN.RNNCell*) differs from it; they must be the same parameter");
    }
  }
  for (const StateDictEntry &e : expected) {
    auto it = arrays.find(e.name);
    if (it == arrays.end()) fail(what, "missing array '" + e.name + "'");
    const NpyArray &a = *it->second;
    if (!a.is_float())
      fail(what, "array '" + e.name + "' has dtype " + npy_descr(a.dtype) +
                     ", expected float32 ('<f4') or float64 ('<f8')");
    if (a.shape != e.shape)
      fail(what, "array '" + e.name + "' has shape " + shape_string(a.shape) + ", expected " +
                     shape_string(e.shape));
    for (float v : a.floats)
      if (!std::isfinite(v)) fail(what, "array '" + e.name + "' contains NaN or infinity");
    if (e.name.ends_with(".running_var"))
      for (float v : a.floats)
        if (v < 0.0f) fail(what, "array '" + e.name + "' has a negative variance");
  }

  auto get = [&](const std::string &name) -> const NpyArray & { return *arrays.at(name); };
  Graph g = architecture;
  for (Layer &l : g.layers) {
    if (auto *c = std::get_if<Conv2dParams>(&l.params)) {
      const ConvNaming n = conv_naming(g, l);
      c->weight = oihw_to_ohwi(get(n.weight));
      if (n.bn.empty()) {
        c->bias = get(n.bias).floats;
      } else {
        c->bias.clear();
        fold_batch_norm(*c, get(n.bn + ".weight").floats, get(n.bn + ".bias").floats,
                        get(n.bn + ".running_mean").floats, get(n.bn + ".running_var").floats,
                        1e-5f);
      }
    } else if (auto *p = std::get_if<RNNPoolParams>(&l.params)) {
      for (const auto &[prefix, cell] :
           {std::pair{l.name + kCellRnn, &p->rnn1}, std::pair{l.name + kCellBidir, &p->rnn2}}) {
        cell->W = get(prefix + "W").floats;
        cell->U = get(prefix + "U").floats;
        cell->bias_gate = get(prefix + "bias_gate").floats;
        cell->bias_update = get(prefix + "bias_update").floats;
        cell->zeta = get(prefix + "zeta").floats[0];
        cell->nu = get(prefix + "nu").floats[0];
      }
    } else if (auto *s = std::get_if<L2NormParams>(&l.params)) {
      s->scale = get(l.name + ".weight").floats;
    } else if (auto *f = std::get_if<FullyConnectedParams>(&l.params)) {
      f->weight = get(l.name + ".weight").floats;
      f->bias = get(l.name + ".bias").floats;
    }
  }
  return g;
}

LoadedModel load_model(std::span<const std::uint8_t> npz_bytes,
                       const std::optional<std::string> &manifest_json, const std::string &what) {
  LoadedModel m;
  if (manifest_json) m.manifest = parse_manifest(*manifest_json, what + " (manifest)");
  Graph architecture = make_zoo_model(m.manifest.architecture);
  architecture.input_shape = Shape{m.manifest.input_height, m.manifest.input_width, 1};
  try {
    infer_shapes(architecture);
  } catch (const std::invalid_argument &e) {
    fail(what + " (manifest)",
         std::string("input size does not fit the architecture: ") + e.what());
  }
  m.graph = graph_from_state_dict(architecture, parse_npz(npz_bytes, what), what);
  return m;
}

LoadedModel load_model_file(const std::string &path) {
  const std::string what = "model file " + path;
  std::vector<std::uint8_t> bytes;
  try {
    bytes = read_binary_file(path);
  } catch (const std::runtime_error &) {
    fail(what, "cannot open for reading");
  }
  std::optional<std::string> manifest;
  const std::string manifest_path = manifest_path_for(path);
  if (std::filesystem::exists(manifest_path)) {
    const std::vector<std::uint8_t> text = read_binary_file(manifest_path);
    manifest = std::string(text.begin(), text.end());
  }
  return load_model(bytes, manifest, what);
}

void save_model_file(const std::string &path, const StateDict &state_dict,
                     const ModelManifest &manifest) {
  Graph architecture = make_zoo_model(manifest.architecture);
  graph_from_state_dict(architecture, state_dict, "save_model_file " + path); // validate
  write_npz_file(path, state_dict, true);
  const std::string json = manifest_to_json(manifest);
  write_binary_file(manifest_path_for(path),
                    std::span(reinterpret_cast<const std::uint8_t *>(json.data()), json.size()));
}

StateDict random_state_dict(const Graph &architecture, std::uint32_t seed) {
  Uniform u{std::mt19937(seed)};
  StateDict sd;
  visit_params(architecture, [&](const Layer &l, const std::string &name,
                                 std::vector<std::size_t> shape, Role role) {
    std::size_t count = 1;
    for (std::size_t d : shape)
      count *= d;
    // Fan-in scaled weights keep activations near unit scale through the network.
    const std::size_t fan_in = role == Role::ConvWeight                   ? count / shape[0]
                               : role == Role::RnnW || role == Role::RnnU ? shape[0]
                               : role == Role::FcWeight                   ? shape[1]
                                                                          : 1;
    const float bound = std::sqrt(3.0f / float(fan_in));
    std::vector<float> v(count);
    for (float &x : v) {
      switch (role) {
      case Role::ConvWeight:
      case Role::FcWeight: x = u(-bound, bound); break;
      case Role::RnnW:
      case Role::RnnU: x = u(-0.5f * bound, 0.5f * bound); break;
      case Role::BnGamma:
      case Role::BnVar: x = u(0.8f, 1.2f); break;
      case Role::L2Scale: x = u(5.0f, 10.0f); break; // reference init 10, 8, 5
      case Role::RnnZeta: x = u(0.5f, 1.5f); break;  // EdgeML init 1
      case Role::RnnNu: x = u(-4.5f, -3.5f); break;  // EdgeML init -4
      default: x = u(-0.1f, 0.1f); break;
      }
    }
    sd[name] = NpyArray::from_floats(std::move(shape), std::move(v));
    if (role == Role::BnVar) {
      NpyArray counter;
      counter.dtype = NpyDtype::Int64;
      counter.ints = {1000};
      sd[name.substr(0, name.size() - 12) + ".num_batches_tracked"] = counter;
    }
    (void)l;
  });
  return sd;
}

} // namespace rnnpool
