// SPDX-License-Identifier: GPL-3.0-or-later
// The device API on top of the link: handshake, run a frame (chunked upload resuming from
// FRAME_ACK, then detections, layer digests, timings and the memory report), read a layer's
// tensor. Blocking calls for a non-link thread (the CLI's main thread, a GUI worker). Every
// reply is checked (type, payload size, frame id) before it is believed; failures throw
// DeviceError with a one-line message.
#pragma once

#include "firmware_bridge/host/device_link.h"
#include "firmware_bridge/host/reply_parser.h"
#include "firmware_bridge/protocol/wire_format.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rnnpool::bridge {

struct GrayFrame {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels; // row-major, width * height
};

struct LayerDigest {
  uint32_t crc = 0;
  uint32_t bytes = 0;
};

struct LayerTensor {
  int layer = 0;
  uint8_t dtype = RNNPOOL_DTYPE_U8; // rnnpool_tensor_dtype as sent (not trusted to be in range)
  int height = 0, width = 0, channels = 0;
  std::vector<uint8_t> data;
};

struct FrameResult {
  uint32_t frameId = 0;
  std::vector<rnnpool_detection> detections;
  std::vector<LayerDigest> digests;
  rnnpool_timings timings{};
  rnnpool_memory_report memory{};
  double uploadMs = 0;    // BEGIN to the last chunk's ACK
  double roundTripMs = 0; // BEGIN to the memory report
  int resumes = 0;        // uploads resumed from FRAME_ACK after a failed chunk
};

struct SessionOptions {
  int chunkBytes = 2040; // pixel bytes per FRAME_CHUNK (capped by the device max_payload)
  // FRAME_CHUNK: the streaming device runs every layer row the chunk completes before it ACKs
  // (a 320-pixel RNNPool patch row is ~15 M instructions: ~0.1 s on the board, up to seconds
  // under a loaded QEMU). A byte lost on the way to the device also costs this long.
  int chunkTimeoutMs = 10000;
  int computeTimeoutMs = 30000; // FRAME_END: the device computes the remaining layers
  // FRAME_END attempts: a repeat of a finished frame's FRAME_END is answered from the stored
  // results at once, so retrying a corrupted DETECTIONS reply (up to 773 bytes) is cheap.
  int computeAttempts = 8;
  int resumeAttempts = 4;      // upload resumes after a chunk gave up
  int tensorSliceBytes = 2000; // LAYER_TENSOR slice size
};

class DeviceSession {
public:
  explicit DeviceSession(DeviceLink &link, SessionOptions options = {});

  // HELLO. With expectedModelDigest set, refuses a firmware built for another model (the
  // message names both digests).
  DeviceInfo handshake(std::optional<uint32_t> expectedModelDigest);
  const DeviceInfo &info() const { return info_; }

  FrameResult runFrame(const GrayFrame &frame);
  LayerTensor fetchLayerTensor(int layer);
  rnnpool_memory_report memoryReport();

private:
  LinkReply request(uint8_t type, const QByteArray &payload, uint8_t expectedType,
                    int timeoutMs = 0, int attempts = 0);
  uint32_t upload(const GrayFrame &frame, FrameResult &result);

  DeviceLink &link_;
  SessionOptions options_;
  DeviceInfo info_;
  uint32_t nextFrameId_;
  uint32_t lastFrameId_ = 0;
};

} // namespace rnnpool::bridge
