// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/host/device_session.h"

#include "firmware_bridge/protocol/payload_codec.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <algorithm>
#include <cstdio>

namespace rnnpool::bridge {
namespace {

template <typename T, typename Pack> QByteArray packed(const T &value, Pack pack) {
  QByteArray out(static_cast<qsizetype>(RNNPOOL_WIRE_MAX_PAYLOAD), '\0');
  out.resize(static_cast<qsizetype>(
      pack(&value, reinterpret_cast<uint8_t *>(out.data()), static_cast<size_t>(out.size()))));
  return out;
}

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

} // namespace

std::string hex32(uint32_t value) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", value);
  return buf;
}

DeviceSession::DeviceSession(DeviceLink &link, SessionOptions options)
    : link_(link), options_(options),
      // Distinct ids per session, so results of an earlier session's frame are never mistaken
      // for this one's.
      nextFrameId_(QRandomGenerator::global()->generate() | 1u) {}

LinkReply DeviceSession::request(uint8_t type, const QByteArray &payload, uint8_t expectedType,
                                 int timeoutMs, int attempts) {
  const LinkReply reply = link_.call(type, payload, timeoutMs, attempts);
  const std::string name = rnnpool_msg_type_name(type);
  if (!reply.ok) {
    const bool gone = link_.state() != LinkState::Connected;
    throw DeviceError(gone ? DeviceError::Kind::Disconnected : DeviceError::Kind::NoReply,
                      name + ": " + reply.error.toStdString());
  }
  if (reply.type == RNNPOOL_MSG_ERROR) {
    rnnpool_error e = unpacked<rnnpool_error>(reply, rnnpool_unpack_error, "ERROR");
    throw DeviceError(DeviceError::Kind::Rejected,
                      name + " rejected by the device: " + rnnpool_error_name(e.code) + " (" +
                          std::string(e.text, e.text_len) + ")");
  }
  if (reply.type != expectedType)
    throw DeviceError(DeviceError::Kind::Protocol,
                      name + " answered with " + rnnpool_msg_type_name(reply.type) + ", expected " +
                          rnnpool_msg_type_name(expectedType));
  return reply;
}

DeviceInfo DeviceSession::handshake(std::optional<uint32_t> expectedModelDigest) {
  const LinkReply reply = request(
      RNNPOOL_MSG_HELLO, packed(rnnpool_hello{RNNPOOL_PROTOCOL_VERSION}, rnnpool_pack_hello),
      RNNPOOL_MSG_HELLO_REPLY);
  const auto r = unpacked<rnnpool_hello_reply>(reply, rnnpool_unpack_hello_reply, "HELLO_REPLY");
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
  info.timeUnit = static_cast<rnnpool_time_unit>(r.time_unit);
  if (expectedModelDigest && *expectedModelDigest != info.modelDigest)
    throw DeviceError(DeviceError::Kind::DigestMismatch,
                      "firmware " + info.firmwareVersion + " on " + info.board +
                          " carries model digest " + hex32(info.modelDigest) +
                          " but the host model's digest is " + hex32(*expectedModelDigest) +
                          "; flash the firmware built for this model");
  info_ = info;
  return info;
}

uint32_t DeviceSession::upload(const GrayFrame &frame, FrameResult &result) {
  const size_t total = frame.pixels.size();
  if (frame.width <= 0 || frame.height <= 0 || frame.width > 0xFFFF || frame.height > 0xFFFF ||
      total != static_cast<size_t>(frame.width) * static_cast<size_t>(frame.height))
    throw std::invalid_argument("frame of " + std::to_string(frame.width) + "x" +
                                std::to_string(frame.height) + " with " + std::to_string(total) +
                                " pixels is not a gray image");
  const uint32_t id = nextFrameId_++;
  const rnnpool_frame_begin begin{id, static_cast<uint16_t>(frame.width),
                                  static_cast<uint16_t>(frame.height), 1, RNNPOOL_PIXEL_GRAY8};
  const QByteArray beginPayload = packed(begin, rnnpool_pack_frame_begin);
  const int devicePayload = info_.maxPayload > 0 ? info_.maxPayload : 256;
  const size_t chunk = static_cast<size_t>(std::clamp(
      options_.chunkBytes, 1, devicePayload - static_cast<int>(RNNPOOL_FRAME_CHUNK_FIXED_SIZE)));

  // The device's FRAME_ACK says how many bytes it holds; every (re)start continues from there.
  auto ackOf = [&](const LinkReply &reply) {
    const auto ack = unpacked<rnnpool_frame_ack>(reply, rnnpool_unpack_frame_ack, "FRAME_ACK");
    if (ack.frame_id != id || ack.bytes_received > total)
      throw DeviceError(DeviceError::Kind::Protocol,
                        "FRAME_ACK for frame " + std::to_string(ack.frame_id) + " at " +
                            std::to_string(ack.bytes_received) + " bytes does not fit frame " +
                            std::to_string(id) + " of " + std::to_string(total));
    return static_cast<size_t>(ack.bytes_received);
  };
  size_t offset = ackOf(request(RNNPOOL_MSG_FRAME_BEGIN, beginPayload, RNNPOOL_MSG_FRAME_ACK));
  while (offset < total) {
    const size_t n = std::min(chunk, total - offset);
    const rnnpool_frame_chunk c{id, static_cast<uint32_t>(offset), static_cast<uint16_t>(n),
                                frame.pixels.data() + offset};
    try {
      offset = ackOf(request(RNNPOOL_MSG_FRAME_CHUNK, packed(c, rnnpool_pack_frame_chunk),
                             RNNPOOL_MSG_FRAME_ACK));
    } catch (const DeviceError &e) {
      if (e.kind() == DeviceError::Kind::Disconnected || e.kind() == DeviceError::Kind::Protocol ||
          ++result.resumes > options_.resumeAttempts)
        throw;
      // A repeated BEGIN of the frame in progress is answered with its ACK: resume from there.
      offset = ackOf(request(RNNPOOL_MSG_FRAME_BEGIN, beginPayload, RNNPOOL_MSG_FRAME_ACK));
    }
  }
  return id;
}

FrameResult DeviceSession::runFrame(const GrayFrame &frame) {
  FrameResult result;
  QElapsedTimer clock;
  clock.start();
  const uint32_t id = upload(frame, result);
  result.uploadMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
  result.frameId = id;
  lastFrameId_ = id;

  auto checkId = [&](uint32_t got, const char *what) {
    if (got != id)
      throw DeviceError(DeviceError::Kind::Protocol, std::string(what) + " is for frame " +
                                                         std::to_string(got) + ", expected " +
                                                         std::to_string(id));
  };
  const LinkReply d =
      request(RNNPOOL_MSG_FRAME_END, packed(rnnpool_frame_end{id}, rnnpool_pack_frame_end),
              RNNPOOL_MSG_DETECTIONS, options_.computeTimeoutMs, 3);
  const auto detections = unpacked<rnnpool_detections>(d, rnnpool_unpack_detections, "DETECTIONS");
  checkId(detections.frame_id, "DETECTIONS");
  result.detections.assign(detections.items, detections.items + detections.count);

  const auto digests = unpacked<rnnpool_layer_digests>(
      request(RNNPOOL_MSG_GET_LAYER_DIGESTS, {}, RNNPOOL_MSG_LAYER_DIGESTS),
      rnnpool_unpack_layer_digests, "LAYER_DIGESTS");
  checkId(digests.frame_id, "LAYER_DIGESTS");
  for (int i = 0; i < digests.count; ++i)
    result.digests.push_back({digests.crc[i], digests.bytes[i]});

  result.timings = unpacked<rnnpool_timings>(
      request(RNNPOOL_MSG_GET_TIMINGS, {}, RNNPOOL_MSG_TIMINGS), rnnpool_unpack_timings, "TIMINGS");
  checkId(result.timings.frame_id, "TIMINGS");
  result.memory = memoryReport();
  result.roundTripMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
  return result;
}

rnnpool_memory_report DeviceSession::memoryReport() {
  return unpacked<rnnpool_memory_report>(
      request(RNNPOOL_MSG_GET_MEMORY_REPORT, {}, RNNPOOL_MSG_MEMORY_REPORT),
      rnnpool_unpack_memory_report, "MEMORY_REPORT");
}

LayerTensor DeviceSession::fetchLayerTensor(int layer) {
  if (layer < 0 || layer > 255)
    throw std::invalid_argument("layer index " + std::to_string(layer) + " out of range");
  LayerTensor out;
  out.layer = layer;
  uint32_t total = 0;
  const int room = (info_.maxPayload > 0 ? info_.maxPayload : 256) -
                   static_cast<int>(RNNPOOL_LAYER_TENSOR_FIXED_SIZE);
  const auto slice = static_cast<uint16_t>(std::clamp(options_.tensorSliceBytes, 1, room));
  do {
    const rnnpool_layer_tensor_request q{static_cast<uint8_t>(layer),
                                         static_cast<uint32_t>(out.data.size()), slice};
    const LinkReply reply =
        request(RNNPOOL_MSG_GET_LAYER_TENSOR, packed(q, rnnpool_pack_layer_tensor_request),
                RNNPOOL_MSG_LAYER_TENSOR);
    const auto t =
        unpacked<rnnpool_layer_tensor>(reply, rnnpool_unpack_layer_tensor, "LAYER_TENSOR");
    const bool first = out.data.empty();
    if (t.layer != layer || t.offset != out.data.size() ||
        (t.length == 0 && t.offset < t.total_bytes) ||
        (lastFrameId_ != 0 && t.frame_id != lastFrameId_) || (!first && t.total_bytes != total))
      throw DeviceError(DeviceError::Kind::Protocol,
                        "LAYER_TENSOR slice (layer " + std::to_string(t.layer) + ", offset " +
                            std::to_string(t.offset) + ", " + std::to_string(t.length) +
                            " bytes) does not continue layer " + std::to_string(layer) + " at " +
                            std::to_string(out.data.size()));
    if (first) {
      total = t.total_bytes;
      out.dtype = static_cast<rnnpool_tensor_dtype>(t.dtype);
      out.height = t.height;
      out.width = t.width;
      out.channels = t.channels;
      out.data.reserve(total);
    }
    out.data.insert(out.data.end(), t.data, t.data + t.length);
  } while (out.data.size() < total);
  return out;
}

} // namespace rnnpool::bridge
