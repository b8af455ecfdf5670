// SPDX-License-Identifier: GPL-3.0-or-later
// Checks and unpacks the device's replies for the session: the expected type (an ERROR becomes a
// DeviceError naming the device's code and text), the exact payload size, and the frame, layer
// and offset each reply must be about. Pure functions of the reply bytes, so they are fuzzed.
#pragma once

#include "firmware_bridge/host/link_types.h"
#include "firmware_bridge/protocol/wire_format.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace rnnpool::bridge {

class DeviceError : public std::runtime_error {
public:
  enum class Kind { Disconnected, NoReply, Rejected, DigestMismatch, Protocol };
  DeviceError(Kind kind, const std::string &message, int deviceCode = 0)
      : std::runtime_error(message), kind_(kind), deviceCode_(deviceCode) {}
  Kind kind() const { return kind_; }
  // The device's rnnpool_error_code for Kind::Rejected (0 otherwise).
  int deviceCode() const { return deviceCode_; }

private:
  Kind kind_;
  int deviceCode_;
};

struct DeviceInfo {
  int protocolVersion = 0;
  std::string firmwareVersion; // "0.1.0"
  std::string board;
  uint32_t modelDigest = 0;
  uint32_t clockHz = 0;
  uint32_t arenaSize = 0;
  uint16_t maxPayload = 0;
  int layerCount = 0;
  rnnpool_time_unit timeUnit = RNNPOOL_TIME_CYCLES;
};

// "0x1234abcd"
std::string hex32(uint32_t value);

// Throws unless `reply` is a valid message of `expectedType` answering `requestType`.
void expectReply(const LinkReply &reply, uint8_t requestType, uint8_t expectedType);

DeviceInfo parseHelloReply(const LinkReply &reply);
// FRAME_ACK of frame `frameId` (of `total` bytes): the bytes the device holds.
std::size_t parseFrameAck(const LinkReply &reply, uint32_t frameId, std::size_t total);
std::vector<rnnpool_detection> parseDetections(const LinkReply &reply, uint32_t frameId);
rnnpool_layer_digests parseLayerDigests(const LinkReply &reply, uint32_t frameId);
rnnpool_timings parseTimings(const LinkReply &reply, uint32_t frameId);
rnnpool_memory_report parseMemoryReport(const LinkReply &reply);

// One LAYER_TENSOR slice continuing `received` bytes of `layer` (total known after the first).
struct TensorSlice {
  rnnpool_layer_tensor header{};
  const uint8_t *data = nullptr; // points into reply.payload
};
TensorSlice parseTensorSlice(const LinkReply &reply, int layer, std::size_t received,
                             uint32_t frameId, std::size_t knownTotal);

} // namespace rnnpool::bridge
