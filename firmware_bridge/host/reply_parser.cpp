// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/host/reply_parser.h"

#include "firmware_bridge/protocol/payload_codec.h"

#include <cstdio>

namespace rnnpool::bridge {
namespace {

template <typename T, typename Unpack>
T unpacked(const LinkReply &reply, Unpack unpack, const char *what) {
  T value{};
  if (unpack(reinterpret_cast<const uint8_t *>(reply.payload.constData()),
             static_cast<size_t>(reply.payload.size()), &value) != RNNPOOL_OK)
    throw DeviceError(DeviceError::Kind::Protocol, std::string("malformed ") + what + " payload (" +
                                                       std::to_string(reply.payload.size()) +
                                                       " bytes)");
  return value;
}

void checkFrame(uint32_t got, uint32_t expected, const char *what) {
  if (got != expected)
    throw DeviceError(DeviceError::Kind::Protocol, std::string(what) + " is for frame " +
                                                       std::to_string(got) + ", expected " +
                                                       std::to_string(expected));
}

} // namespace

std::string hex32(uint32_t value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", value);
  return buf;
}

void expectReply(const LinkReply &reply, uint8_t requestType, uint8_t expectedType) {
  const std::string name = rnnpool_msg_type_name(requestType);
  if (!reply.ok)
    throw DeviceError(DeviceError::Kind::NoReply, name + ": " + reply.error.toStdString());
  if (reply.type == RNNPOOL_MSG_ERROR) {
    const auto e = unpacked<rnnpool_error>(reply, rnnpool_unpack_error, "ERROR");
    throw DeviceError(DeviceError::Kind::Rejected,
                      name + " rejected by the device: " + rnnpool_error_name(e.code) + " (" +
                          std::string(e.text, e.text_len) + ")",
                      e.code);
  }
  if (reply.type != expectedType)
    throw DeviceError(DeviceError::Kind::Protocol,
                      name + " answered with " + rnnpool_msg_type_name(reply.type) + ", expected " +
                          rnnpool_msg_type_name(expectedType));
}

DeviceInfo parseHelloReply(const LinkReply &reply) {
  expectReply(reply, RNNPOOL_MSG_HELLO, RNNPOOL_MSG_HELLO_REPLY);
  const auto r = unpacked<rnnpool_hello_reply>(reply, rnnpool_unpack_hello_reply, "HELLO_REPLY");
  if (r.protocol_version != RNNPOOL_PROTOCOL_VERSION)
    throw DeviceError(DeviceError::Kind::Protocol,
                      "device speaks protocol " + std::to_string(r.protocol_version) +
                          ", the host " + std::to_string(RNNPOOL_PROTOCOL_VERSION));
  DeviceInfo info;
  info.protocolVersion = r.protocol_version;
  info.firmwareVersion = std::to_string(r.fw_major) + "." + std::to_string(r.fw_minor) + "." +
                         std::to_string(r.fw_patch);
  info.board.assign(r.board, r.board_len);
  info.modelDigest = r.model_digest;
  info.clockHz = r.clock_hz;
  info.arenaSize = r.arena_size;
  info.maxPayload = r.max_payload;
  info.layerCount = r.layer_count;
  info.timeUnit =
      r.time_unit == RNNPOOL_TIME_INSTRUCTIONS ? RNNPOOL_TIME_INSTRUCTIONS : RNNPOOL_TIME_CYCLES;
  if (info.maxPayload < RNNPOOL_FRAME_CHUNK_FIXED_SIZE + 1 ||
      info.maxPayload < RNNPOOL_LAYER_TENSOR_FIXED_SIZE + 1 ||
      info.maxPayload > RNNPOOL_WIRE_MAX_PAYLOAD)
    throw DeviceError(DeviceError::Kind::Protocol,
                      "device max_payload " + std::to_string(info.maxPayload) + " is outside 23.." +
                          std::to_string(RNNPOOL_WIRE_MAX_PAYLOAD));
  return info;
}

std::size_t parseFrameAck(const LinkReply &reply, uint32_t frameId, std::size_t total) {
  const auto ack = unpacked<rnnpool_frame_ack>(reply, rnnpool_unpack_frame_ack, "FRAME_ACK");
  if (ack.frame_id != frameId || ack.bytes_received > total)
    throw DeviceError(DeviceError::Kind::Protocol,
                      "FRAME_ACK for frame " + std::to_string(ack.frame_id) + " at " +
                          std::to_string(ack.bytes_received) + " bytes does not fit frame " +
                          std::to_string(frameId) + " of " + std::to_string(total));
  return ack.bytes_received;
}

std::vector<rnnpool_detection> parseDetections(const LinkReply &reply, uint32_t frameId) {
  const auto d = unpacked<rnnpool_detections>(reply, rnnpool_unpack_detections, "DETECTIONS");
  checkFrame(d.frame_id, frameId, "DETECTIONS");
  return {d.items, d.items + d.count};
}

rnnpool_layer_digests parseLayerDigests(const LinkReply &reply, uint32_t frameId) {
  const auto d =
      unpacked<rnnpool_layer_digests>(reply, rnnpool_unpack_layer_digests, "LAYER_DIGESTS");
  checkFrame(d.frame_id, frameId, "LAYER_DIGESTS");
  return d;
}

rnnpool_timings parseTimings(const LinkReply &reply, uint32_t frameId) {
  const auto t = unpacked<rnnpool_timings>(reply, rnnpool_unpack_timings, "TIMINGS");
  checkFrame(t.frame_id, frameId, "TIMINGS");
  return t;
}

rnnpool_memory_report parseMemoryReport(const LinkReply &reply) {
  return unpacked<rnnpool_memory_report>(reply, rnnpool_unpack_memory_report, "MEMORY_REPORT");
}

TensorSlice parseTensorSlice(const LinkReply &reply, int layer, std::size_t received,
                             uint32_t frameId, std::size_t knownTotal) {
  TensorSlice s;
  s.header = unpacked<rnnpool_layer_tensor>(reply, rnnpool_unpack_layer_tensor, "LAYER_TENSOR");
  const auto &t = s.header;
  const bool first = received == 0;
  const bool stalls = t.length == 0 && received < t.total_bytes;
  const bool overruns = static_cast<uint64_t>(t.offset) + t.length > t.total_bytes;
  if (t.layer != layer || t.offset != received || stalls || overruns ||
      (frameId != 0 && t.frame_id != frameId) || (!first && t.total_bytes != knownTotal))
    throw DeviceError(DeviceError::Kind::Protocol,
                      "LAYER_TENSOR slice (layer " + std::to_string(t.layer) + ", offset " +
                          std::to_string(t.offset) + ", " + std::to_string(t.length) + " of " +
                          std::to_string(t.total_bytes) + " bytes) does not continue layer " +
                          std::to_string(layer) + " at " + std::to_string(received));
  s.data = t.data;
  return s;
}

} // namespace rnnpool::bridge
