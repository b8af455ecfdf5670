// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/analysis/stats_report.h"

#include <algorithm>
#include <array>
#include <sstream>

namespace rnnpool {
namespace {

std::string join_shapes(const std::vector<Shape> &shapes, const char *sep) {
  std::string out;
  for (const Shape &s : shapes)
    out += (out.empty() ? "" : sep) + s.to_string();
  return out;
}

constexpr std::array<const char *, 8> kColumns = {"name",      "op",       "input",  "output",
                                                  "bytes_f32", "bytes_i8", "params", "madds"};

std::array<std::string, 8> table_row(const LayerStats &s) {
  return {s.name,
          op_name(s.op),
          join_shapes(s.input_shapes, ", "),
          s.output_shape.to_string(),
          std::to_string(s.output_bytes(kFloat32Bytes)),
          std::to_string(s.output_bytes(kInt8Bytes)),
          std::to_string(s.params),
          std::to_string(s.madds)};
}

} // namespace

nlohmann::json stats_to_json(const GraphStats &stats) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerStats &s : stats.layers) {
    nlohmann::json inputs = nlohmann::json::array();
    for (const Shape &in : s.input_shapes)
      inputs.push_back(in.to_string());
    layers.push_back({{"name", s.name},
                      {"op", op_name(s.op)},
                      {"block", s.block},
                      {"input_shapes", inputs},
                      {"output_shape", s.output_shape.to_string()},
                      {"bytes_f32", s.output_bytes(kFloat32Bytes)},
                      {"bytes_i8", s.output_bytes(kInt8Bytes)},
                      {"params", s.params},
                      {"madds", s.madds}});
  }
  return {{"architecture", stats.architecture},
          {"input_shape", stats.input_shape.to_string()},
          {"layers", layers},
          {"totals",
           {{"params", stats.total_params},
            {"madds", stats.total_madds},
            {"layers", stats.layers.size()},
            {"max_activation_layer", stats.max_activation_layer},
            {"max_activation_bytes_f32", stats.max_activation_elements * kFloat32Bytes},
            {"max_activation_bytes_i8", stats.max_activation_elements * kInt8Bytes}}}};
}

std::string stats_to_csv(const GraphStats &stats) {
  // Names and shapes never contain commas or quotes, so no CSV quoting is needed.
  std::ostringstream out;
  out << "name,op,block,input_shapes,output_shape,bytes_f32,bytes_i8,params,madds\n";
  for (const LayerStats &s : stats.layers)
    out << s.name << ',' << op_name(s.op) << ',' << s.block << ','
        << join_shapes(s.input_shapes, ";") << ',' << s.output_shape.to_string() << ','
        << s.output_bytes(kFloat32Bytes) << ',' << s.output_bytes(kInt8Bytes) << ',' << s.params
        << ',' << s.madds << '\n';
  out << "TOTAL,,,,,,," << stats.total_params << ',' << stats.total_madds << '\n';
  return out.str();
}

std::string stats_to_table(const GraphStats &stats) {
  std::vector<std::array<std::string, 8>> rows;
  rows.push_back({});
  std::copy(kColumns.begin(), kColumns.end(), rows.back().begin());
  for (const LayerStats &s : stats.layers)
    rows.push_back(table_row(s));
  rows.push_back({"TOTAL", "", "", "", "", "", std::to_string(stats.total_params),
                  std::to_string(stats.total_madds)});

  std::array<std::size_t, 8> width{};
  for (const auto &row : rows)
    for (std::size_t i = 0; i < row.size(); ++i)
      width[i] = std::max(width[i], row[i].size());

  std::size_t line_width = 2 * (width.size() - 1);
  for (std::size_t w : width)
    line_width += w;

  std::ostringstream out;
  out << stats.architecture << ": input " << stats.input_shape.to_string() << ", "
      << stats.layers.size() << " layers\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (r + 1 == rows.size()) out << std::string(line_width, '-') << '\n';
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      const bool numeric = i >= 4; // right-align numbers, left-align text
      const std::string pad(width[i] - rows[r][i].size(), ' ');
      out << (numeric ? pad + rows[r][i] : rows[r][i] + pad)
          << (i + 1 < rows[r].size() ? "  " : "");
    }
    out << '\n';
  }
  out << "largest activation: " << stats.max_activation_layer << " ("
      << stats.max_activation_elements * kFloat32Bytes << " B float32, "
      << stats.max_activation_elements * kInt8Bytes << " B int8)\n";
  return out.str();
}

} // namespace rnnpool
