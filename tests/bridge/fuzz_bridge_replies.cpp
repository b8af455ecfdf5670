// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the bridge's reply path: bytes from the "device" go through the shared wire decoder as
// the serial link feeds it, and every decoded message (or, in the second mode, the input taken
// directly as a typed payload, so CRCs need not be guessed) is handed to every reply parser the
// session uses. They must either accept or throw DeviceError: never crash, read out of bounds,
// or throw anything else.
#include "firmware_bridge/host/reply_parser.h"
#include "firmware_bridge/protocol/frame_decoder.h"
#include "firmware_bridge/protocol/wire_format.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

using namespace rnnpool::bridge;

namespace {

template <typename F> void expectOnlyDeviceErrors(F &&parse) {
  try {
    parse();
  } catch (const DeviceError &) {
    // rejected: fine
  } catch (...) {
    std::abort(); // anything else is a bug in the parsers
  }
}

void parseEverything(const LinkReply &reply, uint32_t frameId, std::size_t total) {
  expectOnlyDeviceErrors([&] { parseHelloReply(reply); });
  expectOnlyDeviceErrors([&] {
    if (parseFrameAck(reply, frameId, total) > total) std::abort();
  });
  expectOnlyDeviceErrors([&] {
    expectReply(reply, RNNPOOL_MSG_FRAME_END, RNNPOOL_MSG_DETECTIONS);
    if (parseDetections(reply, frameId).size() > RNNPOOL_MAX_DETECTIONS) std::abort();
  });
  expectOnlyDeviceErrors([&] {
    if (parseLayerDigests(reply, frameId).count > RNNPOOL_MAX_LAYERS) std::abort();
  });
  expectOnlyDeviceErrors([&] { parseTimings(reply, frameId); });
  expectOnlyDeviceErrors([&] { parseMemoryReport(reply); });
  expectOnlyDeviceErrors([&] {
    // Both the first slice and a continuation; touch every accepted byte (ASan checks bounds).
    for (std::size_t received : {std::size_t{0}, std::size_t{16}}) {
      const TensorSlice s = parseTensorSlice(reply, 0, received, frameId, total);
      if (uint64_t(s.header.offset) + s.header.length > s.header.total_bytes) std::abort();
      volatile unsigned sink = 0;
      for (uint16_t i = 0; i < s.header.length; ++i)
        sink = sink + s.data[i];
    }
  });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 6) return 0;
  const uint32_t frameId = data[1] | (uint32_t(data[2]) << 8);
  const std::size_t total = data[3] | (std::size_t(data[4]) << 8);
  if (data[0] & 1) {
    // Direct mode: data[5] is the type, the rest the payload.
    LinkReply reply;
    reply.ok = true;
    reply.type = data[5];
    reply.payload =
        QByteArray(reinterpret_cast<const char *>(data + 6), static_cast<qsizetype>(size - 6));
    parseEverything(reply, frameId, total);
    return 0;
  }
  std::vector<uint8_t> buffer(RNNPOOL_WIRE_MAX_PAYLOAD);
  rnnpool_wire_decoder decoder;
  rnnpool_wire_decoder_init(&decoder, buffer.data(), static_cast<uint16_t>(buffer.size()));
  for (size_t i = 5; i < size; ++i) {
    if (rnnpool_wire_decoder_push(&decoder, data[i]) != RNNPOOL_DECODE_MESSAGE) continue;
    LinkReply reply;
    reply.ok = true;
    reply.type = decoder.type;
    reply.seq = decoder.seq;
    reply.payload = QByteArray(reinterpret_cast<const char *>(decoder.payload), decoder.length);
    parseEverything(reply, frameId, total);
  }
  return 0;
}
