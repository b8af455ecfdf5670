// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/zoo.h"

#include <stdexcept>

namespace rnnpool {

std::vector<std::string> zoo_model_names() {
  return {"rnnpool-face-m4", "mobilenetv2", "mobilenetv2-rnnpool"};
}

Graph make_zoo_model(const std::string &name) {
  if (name == "rnnpool-face-m4") return make_rnnpool_face_m4();
  if (name == "mobilenetv2") return make_mobilenetv2();
  if (name == "mobilenetv2-rnnpool") return make_mobilenetv2_rnnpool();
  std::string known;
  for (const std::string &n : zoo_model_names())
    known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown model '" + name + "' (known: " + known + ")");
}

} // namespace rnnpool
