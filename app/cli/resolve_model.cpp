// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/resolve_model.h"

#include "core/model/zoo.h"

#include <algorithm>
#include <filesystem>

namespace rnnpool::cli {
namespace {

bool looks_like_file(const std::string &arg) {
  std::error_code ec;
  return arg.ends_with(".npz") || std::filesystem::exists(arg, ec);
}

std::string zoo_list() {
  std::string known;
  for (const std::string &n : zoo_model_names())
    known += (known.empty() ? "" : ", ") + n;
  return known;
}

} // namespace

Graph resolve_model_graph(const std::string &name_or_file) {
  const auto names = zoo_model_names();
  if (std::find(names.begin(), names.end(), name_or_file) != names.end())
    return make_zoo_model(name_or_file);
  const std::string prefix = "cannot open model '" + name_or_file + "': ";
  // The model file loader plugs in here; until then files are reported, not guessed at.
  if (looks_like_file(name_or_file))
    throw ModelOpenError(prefix + "model files are not supported yet (zoo names: " + zoo_list() +
                         ")");
  throw ModelOpenError(prefix + "not a zoo name (" + zoo_list() + ") nor an existing file");
}

} // namespace rnnpool::cli
