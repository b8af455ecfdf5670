// SPDX-License-Identifier: GPL-3.0-or-later
// The fused-layer row-streaming execution of RNNPool-Face-M4 as data: every buffer that is
// resident while the network runs band by band (input rows, the conv band one patch row needs,
// RNNPool states, the padded RNNPool output row, each MBConv's ring of expanded pixels, the
// block output rows, each head's 3x3 window ring, the bounded detection candidates, one shared
// kernel scratch), its size for the float and the int8 model, and the exact steps it is live.
// The steps and lifetimes come from a dry run of the very code the streaming executor runs.
#pragma once

#include "core/model/graph.h"

#include <cstddef>
#include <string>
#include <vector>

namespace rnnpool {

enum class StreamBufferKind { Input, Band, Ring, State, Scratch, Row, Candidates };
const char *stream_buffer_kind_name(StreamBufferKind kind);

enum class StreamElement { F32, I8, I16, I32 };
const char *stream_element_name(StreamElement e);
std::size_t stream_element_bytes(StreamElement e);

// Which model the sizes are for: float32 everywhere, or the int8 model (int8 activations, int16
// RNN state, int32 accumulators where a kernel keeps them).
enum class StreamDType { F32, I8 };

struct StreamBuffer {
  std::string name;
  StreamBufferKind kind = StreamBufferKind::Row;
  std::string what;         // one line: what it holds
  std::size_t elements = 0; // per-dtype bytes below; the shared scratch mixes element types
  StreamElement i8_element = StreamElement::I8;
  std::size_t f32_bytes = 0; // elements * 4
  std::size_t i8_bytes = 0;  // rounded up to 4 bytes so every buffer starts word-aligned
  int first_step = 0;        // inclusive lifetime over StreamingSchedule::steps
  int last_step = 0;

  std::size_t bytes(StreamDType dtype) const {
    return dtype == StreamDType::F32 ? f32_bytes : i8_bytes;
  }
  bool live_at(int step) const { return first_step <= step && step <= last_step; }
};

// Geometry of the face model at one input size (all shapes h, w, c).
struct FaceStreamGeometry {
  Shape input, conv, pool, padded; // conv output, RNNPool output, after the replicate pad
  int patch = 8, stride = 4;       // RNNPool patches
  int h1 = 16, h2 = 16;            // RNNPool hidden sizes
  struct Block {
    std::string name; // "mob.0"
    Shape in, out;
    int hidden = 0, stride = 1;
    bool residual = false;
  } blocks[4];
  Shape head_in[4];     // detection sources
  int conf_channels[4]; // 4, 2, 2, 2
  int loc_channels = 4;
};

// Reads the geometry of a face-model graph (layer names and structure of make_rnnpool_face_m4).
// Throws std::invalid_argument naming the first layer or shape that does not fit the streaming
// schedule (which is written for this architecture at any input size it accepts).
FaceStreamGeometry face_stream_geometry(const Graph &graph);

struct StreamingSchedule {
  std::string architecture;
  FaceStreamGeometry geometry;
  int candidate_capacity = 64;
  std::vector<std::string> steps; // one unit of the streaming loop each, in execution order
  std::vector<StreamBuffer> buffers;

  const StreamBuffer &buffer(const std::string &name) const; // throws std::out_of_range
  std::size_t total_bytes(StreamDType dtype) const;          // every buffer, as if all were live
  std::size_t live_bytes(int step, StreamDType dtype) const;
  std::size_t peak_bytes(StreamDType dtype) const; // largest live total over the steps
  int peak_step(StreamDType dtype) const;          // first step reaching it
};

// The schedule for a face-model graph at its input size (weights not needed). Candidates: how many
// decoded detections the bounded list keeps for NMS.
StreamingSchedule make_streaming_schedule(const Graph &graph, int candidate_capacity = 64);

// Offsets (bytes) for the buffers in one arena: largest first, first fit among buffers whose
// lifetimes overlap, offsets aligned to `align` bytes.
struct StreamPlacement {
  std::vector<std::size_t> offsets; // parallel to schedule.buffers
  std::size_t arena_bytes = 0;
};
StreamPlacement place_stream_buffers(const StreamingSchedule &schedule, StreamDType dtype,
                                     std::size_t align = 4);

} // namespace rnnpool
