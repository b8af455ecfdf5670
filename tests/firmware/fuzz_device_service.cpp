// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer: the firmware's receive path compiled for the host (shared decoder + device
// service + stub model). Arbitrary bytes must never crash it, and every decoded request or
// decode error must produce exactly one well-formed reply frame carrying its sequence number.
#include "firmware_bridge/protocol/frame_decoder.h"
#include "firmware_bridge/protocol/frame_encoder.h"
#include "firmware_bridge/protocol/wire_format.h"
#include "firmware_bridge/target/device_service.h"
#include "firmware_bridge/target/timer.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {

uint64_t g_fake_time = 0;
std::vector<std::vector<uint8_t>> g_replies;

void capture(const uint8_t *frame, size_t length) {
  g_replies.emplace_back(frame, frame + length);
}

void fill_memory(rnnpool_memory_report *report) {
  report->ram_size = 196608;
  report->stack_size = 8192;
}

// Each reply must decode as exactly one valid message with the expected sequence number.
void check_single_reply(uint16_t seq) {
  if (g_replies.size() != 1) std::abort();
  std::vector<uint8_t> buffer(RNNPOOL_WIRE_MAX_PAYLOAD);
  rnnpool_wire_decoder decoder;
  rnnpool_wire_decoder_init(&decoder, buffer.data(), RNNPOOL_WIRE_MAX_PAYLOAD);
  int messages = 0;
  for (uint8_t b : g_replies[0])
    if (rnnpool_wire_decoder_push(&decoder, b) == RNNPOOL_DECODE_MESSAGE) ++messages;
  if (messages != 1 || decoder.seq != seq || !(decoder.type & 0x80u)) std::abort();
  g_replies.clear();
}

} // namespace

extern "C" uint64_t timer_now(void) {
  return g_fake_time += 3;
}
extern "C" void timer_init(uint32_t) {}

// Random bytes rarely carry a valid CRC, so an input starting with an odd byte is read as a
// script of requests ([length][type][payload...]...) that is framed correctly first; this
// drives the frame upload state machine with well-formed but hostile requests.
std::vector<uint8_t> framed_script(const uint8_t *data, size_t size) {
  std::vector<uint8_t> stream;
  uint16_t seq = 0;
  for (size_t i = 1; i + 2 <= size;) {
    const size_t length = data[i] <= size - i - 2 ? data[i] : size - i - 2;
    std::vector<uint8_t> frame(length + RNNPOOL_WIRE_OVERHEAD);
    rnnpool_wire_encode(data[i + 1], seq++, data + i + 2, static_cast<uint16_t>(length),
                        frame.data(), frame.size());
    stream.insert(stream.end(), frame.begin(), frame.end());
    i += 2 + length;
  }
  return stream;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *raw, size_t raw_size) {
  std::vector<uint8_t> script;
  const uint8_t *data = raw;
  size_t size = raw_size;
  if (raw_size > 0 && (raw[0] & 1u)) {
    script = framed_script(raw, raw_size);
    data = script.data();
    size = script.size();
  }
  static uint8_t rx[2048];
  const device_service_config config = {"fuzz-host", 168000000u,        RNNPOOL_TIME_INSTRUCTIONS,
                                        sizeof rx,   1024u + sizeof rx, capture,
                                        fill_memory};
  device_service_init(&config);
  rnnpool_wire_decoder decoder;
  rnnpool_wire_decoder_init(&decoder, rx, sizeof rx);
  g_replies.clear();
  for (size_t i = 0; i < size; ++i) {
    const rnnpool_decode_status status = rnnpool_wire_decoder_push(&decoder, data[i]);
    if (status == RNNPOOL_DECODE_MESSAGE) {
      device_service_on_message(decoder.type, decoder.seq, decoder.payload, decoder.length);
      check_single_reply(decoder.seq);
    } else if (status != RNNPOOL_DECODE_MORE) {
      device_service_on_decode_error(status, decoder.type, decoder.seq);
      check_single_reply(decoder.seq);
    }
  }
  return 0;
}
