// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/host/device_session.h"

#include "firmware_bridge/protocol/payload_codec.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <algorithm>

namespace rnnpool::bridge {
namespace {

template <typename T, typename Pack> QByteArray packed(const T &value, Pack pack) {
  QByteArray out(static_cast<qsizetype>(RNNPOOL_WIRE_MAX_PAYLOAD), '\0');
  out.resize(static_cast<qsizetype>(
      pack(&value, reinterpret_cast<uint8_t *>(out.data()), static_cast<size_t>(out.size()))));
  return out;
}

} // namespace

DeviceSession::DeviceSession(DeviceLink &link, SessionOptions options)
    : link_(link), options_(options),
      // Distinct ids per session, so results of an earlier session's frame are never mistaken
      // for this one's.
      nextFrameId_(QRandomGenerator::global()->generate() | 1u) {}

LinkReply DeviceSession::request(uint8_t type, const QByteArray &payload, uint8_t expectedType,
                                 int timeoutMs, int attempts) {
  const LinkReply reply = link_.call(type, payload, timeoutMs, attempts);
  if (!reply.ok && link_.state() != LinkState::Connected)
    throw DeviceError(DeviceError::Kind::Disconnected,
                      std::string(rnnpool_msg_type_name(type)) + ": " + reply.error.toStdString());
  expectReply(reply, type, expectedType);
  return reply;
}

DeviceInfo DeviceSession::handshake(std::optional<uint32_t> expectedModelDigest) {
  const DeviceInfo info = parseHelloReply(request(
      RNNPOOL_MSG_HELLO, packed(rnnpool_hello{RNNPOOL_PROTOCOL_VERSION}, rnnpool_pack_hello),
      RNNPOOL_MSG_HELLO_REPLY));
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
  size_t offset = parseFrameAck(
      request(RNNPOOL_MSG_FRAME_BEGIN, beginPayload, RNNPOOL_MSG_FRAME_ACK), id, total);
  while (offset < total) {
    const size_t n = std::min(chunk, total - offset);
    const rnnpool_frame_chunk c{id, static_cast<uint32_t>(offset), static_cast<uint16_t>(n),
                                frame.pixels.data() + offset};
    try {
      offset = parseFrameAck(request(RNNPOOL_MSG_FRAME_CHUNK, packed(c, rnnpool_pack_frame_chunk),
                                     RNNPOOL_MSG_FRAME_ACK, options_.chunkTimeoutMs),
                             id, total);
    } catch (const DeviceError &e) {
      if (e.kind() == DeviceError::Kind::Disconnected || e.kind() == DeviceError::Kind::Protocol ||
          ++result.resumes > options_.resumeAttempts)
        throw;
      // A repeated BEGIN of the frame in progress is answered with its ACK: resume from there.
      offset = parseFrameAck(request(RNNPOOL_MSG_FRAME_BEGIN, beginPayload, RNNPOOL_MSG_FRAME_ACK),
                             id, total);
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

  result.detections = parseDetections(
      request(RNNPOOL_MSG_FRAME_END, packed(rnnpool_frame_end{id}, rnnpool_pack_frame_end),
              RNNPOOL_MSG_DETECTIONS, options_.computeTimeoutMs, options_.computeAttempts),
      id);
  const rnnpool_layer_digests digests =
      parseLayerDigests(request(RNNPOOL_MSG_GET_LAYER_DIGESTS, {}, RNNPOOL_MSG_LAYER_DIGESTS), id);
  for (int i = 0; i < digests.count; ++i)
    result.digests.push_back({digests.crc[i], digests.bytes[i]});
  result.timings = parseTimings(request(RNNPOOL_MSG_GET_TIMINGS, {}, RNNPOOL_MSG_TIMINGS), id);
  result.memory = memoryReport();
  result.roundTripMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
  return result;
}

rnnpool_memory_report DeviceSession::memoryReport() {
  return parseMemoryReport(request(RNNPOOL_MSG_GET_MEMORY_REPORT, {}, RNNPOOL_MSG_MEMORY_REPORT));
}

LayerTensor DeviceSession::fetchLayerTensor(int layer) {
  if (layer < 0 || layer > 255)
    throw std::invalid_argument("layer index " + std::to_string(layer) + " out of range");
  LayerTensor out;
  out.layer = layer;
  size_t total = 0;
  const int room = (info_.maxPayload > 0 ? info_.maxPayload : 256) -
                   static_cast<int>(RNNPOOL_LAYER_TENSOR_FIXED_SIZE);
  const auto slice = static_cast<uint16_t>(std::clamp(options_.tensorSliceBytes, 1, room));
  do {
    const rnnpool_layer_tensor_request q{static_cast<uint8_t>(layer),
                                         static_cast<uint32_t>(out.data.size()), slice};
    LinkReply reply;
    try {
      reply = request(RNNPOOL_MSG_GET_LAYER_TENSOR, packed(q, rnnpool_pack_layer_tensor_request),
                      RNNPOOL_MSG_LAYER_TENSOR);
    } catch (const DeviceError &e) {
      if (e.deviceCode() != RNNPOOL_ERR_NOT_AVAILABLE) throw;
      // The streaming firmware never holds a layer whole; say so instead of a protocol error.
      throw DeviceError(DeviceError::Kind::Rejected,
                        "layer " + std::to_string(layer) +
                            " tensor not available from the device; compare its digest "
                            "instead (" +
                            e.what() + ")",
                        e.deviceCode());
    }
    const TensorSlice s = parseTensorSlice(reply, layer, out.data.size(), lastFrameId_, total);
    if (out.data.empty()) {
      total = s.header.total_bytes;
      out.dtype = s.header.dtype;
      out.height = s.header.height;
      out.width = s.header.width;
      out.channels = s.header.channels;
      out.data.reserve(total);
    }
    out.data.insert(out.data.end(), s.data, s.data + s.header.length);
  } while (out.data.size() < total);
  return out;
}

} // namespace rnnpool::bridge
