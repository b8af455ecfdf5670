// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/eval/dataset.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace rnnpool::eval {
namespace {

using nlohmann::json;

std::string read_text(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read '" + path.string() + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const json &field(const json &row, const char *key, json::value_t type, const std::string &where) {
  const auto it = row.find(key);
  if (it == row.end()) throw std::runtime_error(where + ": missing key '" + key + "'");
  const bool ok =
      type == json::value_t::number_integer
          ? it->is_number_integer()
          : (type == json::value_t::number_float ? it->is_number() : it->type() == type);
  if (!ok) throw std::runtime_error(where + ": key '" + key + "' has the wrong type");
  return *it;
}

Box parse_box(const json &b, const std::string &where) {
  if (!b.is_array() || b.size() != 4)
    throw std::runtime_error(where + ": a box is not [x1, y1, x2, y2]");
  for (const json &v : b)
    if (!v.is_number()) throw std::runtime_error(where + ": a box coordinate is not a number");
  const Box box{b[0].get<float>(), b[1].get<float>(), b[2].get<float>(), b[3].get<float>()};
  if (!(box.x2 > box.x1 && box.y2 > box.y1))
    throw std::runtime_error(where + ": box [" + b.dump() + "] has no area");
  return box;
}

DatasetImage parse_row(const std::string &line, const std::string &where) {
  json row;
  try {
    row = json::parse(line);
  } catch (const json::parse_error &e) {
    throw std::runtime_error(where + ": not JSON (" + std::string(e.what()) + ")");
  }
  if (!row.is_object()) throw std::runtime_error(where + ": not a JSON object");
  DatasetImage img;
  img.path = field(row, "path", json::value_t::string, where).get<std::string>();
  img.split = field(row, "split", json::value_t::string, where).get<std::string>();
  img.kind = field(row, "kind", json::value_t::string, where).get<std::string>();
  img.width = field(row, "width", json::value_t::number_integer, where).get<int>();
  img.height = field(row, "height", json::value_t::number_integer, where).get<int>();
  if (img.path.empty()) throw std::runtime_error(where + ": empty 'path'");
  if (img.split != "train" && img.split != "eval")
    throw std::runtime_error(where + ": split '" + img.split + "' is not train or eval");
  if (img.width <= 0 || img.height <= 0)
    throw std::runtime_error(where + ": width and height must be positive");
  for (const json &b : field(row, "boxes", json::value_t::array, where))
    img.boxes.push_back(parse_box(b, where));
  if (img.kind == "negative" && !img.boxes.empty())
    throw std::runtime_error(where + ": a negative image has boxes");
  return img;
}

} // namespace

std::vector<DatasetImage> parse_dataset_manifest(const std::string &jsonl_text,
                                                 const std::string &what) {
  std::vector<DatasetImage> images;
  std::istringstream in(jsonl_text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    images.push_back(parse_row(line, what + " line " + std::to_string(number)));
  }
  return images;
}

std::vector<DatasetImage> read_dataset_manifest(const std::string &dataset_dir) {
  const std::filesystem::path manifest = std::filesystem::path(dataset_dir) / "manifest.jsonl";
  if (!std::filesystem::is_regular_file(manifest))
    throw std::runtime_error(
        "dataset '" + dataset_dir +
        "' has no manifest.jsonl (build it with tools/dataset/build_dataset.py)");
  return parse_dataset_manifest(read_text(manifest), manifest.string());
}

std::optional<BoxConvention> read_box_convention(const std::string &dataset_dir) {
  const std::filesystem::path summary = std::filesystem::path(dataset_dir) / "summary.json";
  if (!std::filesystem::is_regular_file(summary)) return std::nullopt;
  const std::string where = summary.string();
  json doc;
  try {
    doc = json::parse(read_text(summary));
  } catch (const json::parse_error &e) {
    throw std::runtime_error(where + ": not JSON (" + std::string(e.what()) + ")");
  }
  if (!doc.is_object() || !doc.contains("box_convention")) return std::nullopt;
  const json &c = doc["box_convention"];
  if (!c.is_object()) throw std::runtime_error(where + ": box_convention is not an object");
  const std::string at = where + " box_convention";
  BoxConvention conv;
  conv.name = field(c, "name", json::value_t::string, at).get<std::string>();
  conv.blaze_side_scale =
      field(c, "blaze_side_scale", json::value_t::number_float, at).get<float>();
  conv.blaze_centre_dy = field(c, "blaze_centre_dy", json::value_t::number_float, at).get<float>();
  if (!(conv.blaze_side_scale > 0.0f))
    throw std::runtime_error(at + ": blaze_side_scale must be positive");
  return conv;
}

} // namespace rnnpool::eval
