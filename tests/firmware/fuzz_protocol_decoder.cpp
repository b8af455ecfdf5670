// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer: arbitrary bytes through the frame decoder (at a device-sized and the full
// capacity) and every payload unpacker. Any crash, hang, out-of-bounds access or UB fails it;
// invariants of accepted messages are checked explicitly.
#include "firmware_bridge/protocol/crc32.h"
#include "firmware_bridge/protocol/frame_decoder.h"
#include "firmware_bridge/protocol/frame_encoder.h"
#include "firmware_bridge/protocol/payload_codec.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {

void unpack_everything(const uint8_t *p, size_t n) {
  rnnpool_hello hello;
  rnnpool_hello_reply hello_reply;
  rnnpool_frame_begin begin;
  rnnpool_frame_chunk chunk;
  rnnpool_frame_end end;
  rnnpool_frame_ack ack;
  rnnpool_detections detections;
  rnnpool_layer_digests digests;
  rnnpool_layer_tensor_request tensor_request;
  rnnpool_layer_tensor tensor;
  rnnpool_timings timings;
  rnnpool_memory_report memory;
  rnnpool_error error;
  (void)rnnpool_unpack_hello(p, n, &hello);
  if (rnnpool_unpack_hello_reply(p, n, &hello_reply) == RNNPOOL_OK &&
      hello_reply.board_len > RNNPOOL_BOARD_NAME_MAX)
    std::abort();
  (void)rnnpool_unpack_frame_begin(p, n, &begin);
  if (rnnpool_unpack_frame_chunk(p, n, &chunk) == RNNPOOL_OK && chunk.data + chunk.length != p + n)
    std::abort();
  (void)rnnpool_unpack_frame_end(p, n, &end);
  (void)rnnpool_unpack_frame_ack(p, n, &ack);
  if (rnnpool_unpack_detections(p, n, &detections) == RNNPOOL_OK &&
      detections.count > RNNPOOL_MAX_DETECTIONS)
    std::abort();
  if (rnnpool_unpack_layer_digests(p, n, &digests) == RNNPOOL_OK &&
      digests.count > RNNPOOL_MAX_LAYERS)
    std::abort();
  (void)rnnpool_unpack_layer_tensor_request(p, n, &tensor_request);
  if (rnnpool_unpack_layer_tensor(p, n, &tensor) == RNNPOOL_OK &&
      (tensor.data + tensor.length != p + n ||
       static_cast<uint64_t>(tensor.offset) + tensor.length > tensor.total_bytes))
    std::abort();
  if (rnnpool_unpack_timings(p, n, &timings) == RNNPOOL_OK && timings.count > RNNPOOL_MAX_LAYERS)
    std::abort();
  (void)rnnpool_unpack_memory_report(p, n, &memory);
  if (rnnpool_unpack_error(p, n, &error) == RNNPOOL_OK && error.text_len > RNNPOOL_ERROR_TEXT_MAX)
    std::abort();
}

void decode_stream(const uint8_t *data, size_t size, uint16_t capacity) {
  std::vector<uint8_t> buffer(capacity);
  rnnpool_wire_decoder decoder;
  rnnpool_wire_decoder_init(&decoder, buffer.data(), capacity);
  for (size_t i = 0; i < size; ++i) {
    if (rnnpool_wire_decoder_push(&decoder, data[i]) != RNNPOOL_DECODE_MESSAGE) continue;
    if (decoder.length > capacity) std::abort();
    // An accepted message re-encodes to exactly the bytes that carried it.
    std::vector<uint8_t> frame(decoder.length + RNNPOOL_WIRE_OVERHEAD);
    const size_t n = rnnpool_wire_encode(decoder.type, decoder.seq, decoder.payload, decoder.length,
                                         frame.data(), frame.size());
    if (n != frame.size() || i + 1 < n) std::abort();
    for (size_t k = 0; k < n; ++k)
      if (frame[k] != data[i + 1 - n + k]) std::abort();
    unpack_everything(decoder.payload, decoder.length);
  }
}

// Random bytes rarely carry a valid CRC, so also read the input as a script of messages
// ([length][type][payload...]...), encode them, and check that the decoder returns exactly
// those messages, in order; this drives well-formed payloads of every type into the unpackers.
void round_trip_script(const uint8_t *data, size_t size) {
  std::vector<uint8_t> stream;
  std::vector<std::vector<uint8_t>> sent;
  std::vector<uint8_t> types;
  size_t i = 0;
  while (i + 2 <= size) {
    const size_t length = data[i] <= size - i - 2 ? data[i] : size - i - 2;
    const uint8_t type = data[i + 1];
    const uint8_t *payload = data + i + 2;
    std::vector<uint8_t> frame(length + RNNPOOL_WIRE_OVERHEAD);
    if (rnnpool_wire_encode(type, static_cast<uint16_t>(sent.size()), payload,
                            static_cast<uint16_t>(length), frame.data(),
                            frame.size()) != frame.size())
      std::abort();
    stream.insert(stream.end(), frame.begin(), frame.end());
    sent.emplace_back(payload, payload + length);
    types.push_back(type);
    i += 2 + length;
  }
  std::vector<uint8_t> buffer(256);
  rnnpool_wire_decoder decoder;
  rnnpool_wire_decoder_init(&decoder, buffer.data(), 256);
  size_t received = 0;
  for (uint8_t byte : stream) {
    const rnnpool_decode_status status = rnnpool_wire_decoder_push(&decoder, byte);
    if (status == RNNPOOL_DECODE_MORE) continue;
    if (status != RNNPOOL_DECODE_MESSAGE || received >= sent.size()) std::abort();
    if (decoder.seq != received || decoder.type != types[received] ||
        std::vector<uint8_t>(decoder.payload, decoder.payload + decoder.length) != sent[received])
      std::abort();
    unpack_everything(decoder.payload, decoder.length);
    ++received;
  }
  if (received != sent.size()) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  decode_stream(data, size, 2048);
  decode_stream(data, size, RNNPOOL_WIRE_MAX_PAYLOAD);
  unpack_everything(data, size); // raw payload bytes, no framing
  round_trip_script(data, size);
  return 0;
}
