// SPDX-License-Identifier: GPL-3.0-or-later
// The project's model file: an NPZ whose arrays carry the PyTorch state_dict names of the
// reference model (spec section 5), plus an optional JSON manifest next to it (same path with
// ".json" instead of ".npz") describing the architecture and the detection settings.
// Loading validates every array against the architecture, converts PyTorch conv weights
// [out, in/groups, kh, kw] to the graph's OHWI layout and folds batch norm into the convolutions.
#pragma once

#include "core/io/npz.h"
#include "core/model/graph.h"

#include <cstdint>
#include <optional>

namespace rnnpool {

struct ModelManifest {
  std::string architecture = "rnnpool-face-m4";
  // Images are resized keeping their aspect ratio to about this many pixels (width * height).
  int input_width = 320;
  int input_height = 240;
  // Subtracted from the grayscale image (0..255 units). The reference subtracts the BGR mean
  // (104, 117, 123) before its 0.299/0.587/0.114 grayscale mix; by linearity that is this one
  // grayscale value: 0.299*123 + 0.587*117 + 0.114*104 = 117.312.
  float mean = 117.312f;
  float score_threshold = 0.5f;      // detections reported by `detect` and shown in views
  float candidate_threshold = 0.05f; // spec section 2: NMS candidates need score > 0.05
  float nms_iou = 0.3f;
  int top_k = 5000;     // NMS considers the top_k candidates
  int keep_top_k = 750; // at most this many boxes survive
  std::string description;
};

// Strict: unknown keys, wrong types and out-of-range values are errors naming `what` and the key.
ModelManifest parse_manifest(const std::string &json_text, const std::string &what);
std::string manifest_to_json(const ModelManifest &manifest);
// "x.npz" -> "x.json" (any other name gets ".json" appended).
std::string manifest_path_for(const std::string &model_path);

using StateDict = NpzArrays; // PyTorch state_dict names -> arrays

struct StateDictEntry {
  std::string name;
  std::vector<std::size_t> shape; // PyTorch's shape
};

// Every array the architecture needs, with its PyTorch shape (aliases and num_batches_tracked
// not included). Throws std::logic_error for a layer with no state_dict naming rule.
std::vector<StateDictEntry> expected_state_dict(const Graph &architecture);

// Validates `state_dict` against `architecture` (a zoo graph without weights) and returns it
// executable. `what` names the source in error messages (FormatError).
Graph graph_from_state_dict(const Graph &architecture, const StateDict &state_dict,
                            const std::string &what);

struct LoadedModel {
  Graph graph; // executable, built for manifest.input_width x input_height
  ModelManifest manifest;
};

// From memory: the NPZ bytes and the manifest text (nullopt: defaults).
LoadedModel load_model(std::span<const std::uint8_t> npz_bytes,
                       const std::optional<std::string> &manifest_json, const std::string &what);
// From disk; the manifest sidecar is optional.
LoadedModel load_model_file(const std::string &path);

// Writes the NPZ and its manifest sidecar. The arrays are validated first.
void save_model_file(const std::string &path, const StateDict &state_dict,
                     const ModelManifest &manifest);

// A randomly initialised state_dict for the architecture, deterministic in `seed` on every
// platform (own uniform mapping, not std::uniform_real_distribution). Includes the
// num_batches_tracked scalars a PyTorch checkpoint has.
StateDict random_state_dict(const Graph &architecture, std::uint32_t seed);

} // namespace rnnpool
