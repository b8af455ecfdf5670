// SPDX-License-Identifier: GPL-3.0-or-later
// Host unit tests of the shared wire protocol: CRC vectors, framing, the decoder's
// resynchronisation and rejection paths, and a pack/unpack round trip for every payload.
#include "firmware_bridge/protocol/crc32.h"
#include "firmware_bridge/protocol/frame_decoder.h"
#include "firmware_bridge/protocol/frame_encoder.h"
#include "firmware_bridge/protocol/payload_codec.h"
#include "firmware_bridge/protocol/wire_format.h"

#include <cstring>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;

Bytes encode(uint8_t type, uint16_t seq, const Bytes &payload) {
  Bytes frame(payload.size() + RNNPOOL_WIRE_OVERHEAD);
  const size_t n = rnnpool_wire_encode(
      type, seq, payload.data(), static_cast<uint16_t>(payload.size()), frame.data(), frame.size());
  EXPECT_EQ(n, frame.size());
  return frame;
}

struct Decoded {
  std::vector<rnnpool_decode_status> events; // every non-MORE status, in order
  std::vector<Bytes> payloads;
  std::vector<uint8_t> types;
  std::vector<uint16_t> seqs;
};

Decoded decode_all(const Bytes &stream, uint16_t capacity = RNNPOOL_WIRE_MAX_PAYLOAD) {
  static Bytes buffer(RNNPOOL_WIRE_MAX_PAYLOAD);
  rnnpool_wire_decoder d;
  rnnpool_wire_decoder_init(&d, buffer.data(), capacity);
  Decoded out;
  for (uint8_t b : stream) {
    const auto s = rnnpool_wire_decoder_push(&d, b);
    if (s == RNNPOOL_DECODE_MORE) continue;
    out.events.push_back(s);
    if (s == RNNPOOL_DECODE_MESSAGE) {
      out.payloads.emplace_back(d.payload, d.payload + d.length);
      out.types.push_back(d.type);
      out.seqs.push_back(d.seq);
    }
  }
  return out;
}

Bytes bytes_of(const std::string &s) {
  return Bytes(s.begin(), s.end());
}

TEST(Crc32, MatchesTheStandardCheckValue) {
  const Bytes check = bytes_of("123456789");
  EXPECT_EQ(rnnpool_crc32(check.data(), check.size()), 0xCBF43926u);
  EXPECT_EQ(rnnpool_crc32(nullptr, 0), 0x00000000u);
  const Bytes fox = bytes_of("The quick brown fox jumps over the lazy dog");
  EXPECT_EQ(rnnpool_crc32(fox.data(), fox.size()), 0x414FA339u);
}

TEST(Crc32, IncrementalEqualsOneShot) {
  Bytes data(1000);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<uint8_t>(i * 37 + 11);
  uint32_t state = RNNPOOL_CRC32_INIT;
  for (size_t off = 0; off < data.size(); off += 77)
    state = rnnpool_crc32_update(state, data.data() + off, std::min<size_t>(77, data.size() - off));
  EXPECT_EQ(rnnpool_crc32_final(state), rnnpool_crc32(data.data(), data.size()));
}

TEST(FrameEncoder, WritesTheDocumentedLittleEndianLayout) {
  const Bytes frame = encode(RNNPOOL_MSG_PING, 0x1234, {0xAB, 0xCD});
  ASSERT_EQ(frame.size(), 13u);
  EXPECT_EQ(frame[0], 0xA5);
  EXPECT_EQ(frame[1], 0x5A);
  EXPECT_EQ(frame[2], RNNPOOL_MSG_PING);
  EXPECT_EQ(frame[3], 0x34);
  EXPECT_EQ(frame[4], 0x12);
  EXPECT_EQ(frame[5], 2);
  EXPECT_EQ(frame[6], 0);
  const uint32_t crc = rnnpool_crc32(frame.data(), 9);
  EXPECT_EQ(frame[9], crc & 0xFF);
  EXPECT_EQ(frame[12], crc >> 24);
}

TEST(FrameEncoder, RefusesOversizeAndTooSmallBuffers) {
  Bytes big(RNNPOOL_WIRE_MAX_PAYLOAD + 1);
  Bytes out(big.size() + RNNPOOL_WIRE_OVERHEAD);
  EXPECT_EQ(rnnpool_wire_encode(1, 0, big.data(), static_cast<uint16_t>(big.size()), out.data(),
                                out.size()),
            0u);
  Bytes exact(RNNPOOL_WIRE_OVERHEAD);
  EXPECT_EQ(rnnpool_wire_encode(1, 0, nullptr, 0, exact.data(), exact.size() - 1), 0u);
  EXPECT_EQ(rnnpool_wire_encode(1, 0, nullptr, 0, exact.data(), exact.size()), exact.size());
}

TEST(FrameEncoder, PacksInPlace) {
  Bytes frame(3 + RNNPOOL_WIRE_OVERHEAD);
  uint8_t *slot = rnnpool_wire_payload_slot(frame.data());
  slot[0] = 1, slot[1] = 2, slot[2] = 3;
  ASSERT_EQ(rnnpool_wire_encode(7, 9, slot, 3, frame.data(), frame.size()), frame.size());
  EXPECT_EQ(frame, encode(7, 9, {1, 2, 3}));
}

TEST(FrameDecoder, DecodesBackToBackMessages) {
  Bytes stream = encode(RNNPOOL_MSG_PING, 1, {});
  const Bytes second = encode(RNNPOOL_MSG_HELLO, 2, {1, 0});
  stream.insert(stream.end(), second.begin(), second.end());
  const Decoded d = decode_all(stream);
  ASSERT_EQ(d.payloads.size(), 2u);
  EXPECT_EQ(d.types[0], RNNPOOL_MSG_PING);
  EXPECT_EQ(d.seqs[1], 2);
  EXPECT_EQ(d.payloads[1], (Bytes{1, 0}));
}

TEST(FrameDecoder, ResynchronisesAfterGarbage) {
  // Garbage including lone marker bytes and a doubled first marker byte.
  Bytes stream = {0x00, 0xA5, 0x00, 0x5A, 0xFF, 0xA5}; // the last 0xA5 precedes the real marker
  const Bytes msg = encode(RNNPOOL_MSG_PING, 42, {9, 8, 7});
  stream.insert(stream.end(), msg.begin(), msg.end());
  const Decoded d = decode_all(stream);
  ASSERT_EQ(d.events.size(), 1u);
  EXPECT_EQ(d.events[0], RNNPOOL_DECODE_MESSAGE);
  EXPECT_EQ(d.seqs[0], 42);
  EXPECT_EQ(d.payloads[0], (Bytes{9, 8, 7}));
}

TEST(FrameDecoder, ReportsBadCrcThenDecodesTheNextMessage) {
  Bytes bad = encode(RNNPOOL_MSG_PING, 5, {1, 2, 3});
  bad[8] ^= 0x10; // flip a payload bit
  Bytes stream = bad;
  const Bytes good = encode(RNNPOOL_MSG_PING, 6, {4});
  stream.insert(stream.end(), good.begin(), good.end());
  const Decoded d = decode_all(stream);
  ASSERT_EQ(d.events.size(), 2u);
  EXPECT_EQ(d.events[0], RNNPOOL_DECODE_BAD_CRC);
  EXPECT_EQ(d.events[1], RNNPOOL_DECODE_MESSAGE);
  EXPECT_EQ(d.seqs[0], 6);
}

TEST(FrameDecoder, DetectsEverySingleBitFlip) {
  const Bytes good = encode(RNNPOOL_MSG_FRAME_END, 77, {1, 2, 3, 4});
  for (size_t byte = 2; byte < good.size(); ++byte) { // marker flips just lose sync
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = good;
      bad[byte] ^= static_cast<uint8_t>(1u << bit);
      const Decoded d = decode_all(bad);
      EXPECT_TRUE(d.payloads.empty()) << "flip of byte " << byte << " bit " << bit << " accepted";
    }
  }
}

TEST(FrameDecoder, AcceptsTheMaximumLengthAndRejectsMore) {
  Bytes payload(RNNPOOL_WIRE_MAX_PAYLOAD);
  for (size_t i = 0; i < payload.size(); ++i)
    payload[i] = static_cast<uint8_t>(i);
  const Decoded ok = decode_all(encode(RNNPOOL_MSG_FRAME_CHUNK, 3, payload));
  ASSERT_EQ(ok.payloads.size(), 1u);
  EXPECT_EQ(ok.payloads[0], payload);

  // A header announcing more than the receiver's capacity is rejected at once.
  Bytes header = {0xA5, 0x5A, RNNPOOL_MSG_FRAME_CHUNK, 3, 0, 0x01, 0x10}; // 4097
  const Decoded too_long = decode_all(header);
  ASSERT_EQ(too_long.events.size(), 1u);
  EXPECT_EQ(too_long.events[0], RNNPOOL_DECODE_BAD_LENGTH);

  const Decoded over_capacity = decode_all(encode(RNNPOOL_MSG_PING, 1, Bytes(65)), 64);
  ASSERT_FALSE(over_capacity.events.empty());
  EXPECT_EQ(over_capacity.events[0], RNNPOOL_DECODE_BAD_LENGTH);
}

TEST(FrameDecoder, ResetDropsAPartialFrame) {
  static Bytes buffer(64);
  rnnpool_wire_decoder d;
  rnnpool_wire_decoder_init(&d, buffer.data(), 64);
  const Bytes msg = encode(RNNPOOL_MSG_PING, 1, {1, 2});
  for (size_t i = 0; i < 6; ++i)
    rnnpool_wire_decoder_push(&d, msg[i]);
  EXPECT_TRUE(rnnpool_wire_decoder_in_frame(&d));
  rnnpool_wire_decoder_reset(&d);
  EXPECT_FALSE(rnnpool_wire_decoder_in_frame(&d));
  rnnpool_decode_status last = RNNPOOL_DECODE_MORE;
  for (uint8_t b : msg)
    last = rnnpool_wire_decoder_push(&d, b);
  EXPECT_EQ(last, RNNPOOL_DECODE_MESSAGE);
}

// Each payload: pack, frame, decode, unpack, compare field by field.
template <typename T, typename Pack, typename Unpack>
T roundtrip(uint8_t type, const T &in, Pack pack, Unpack unpack) {
  Bytes payload(RNNPOOL_WIRE_MAX_PAYLOAD);
  const size_t n = pack(&in, payload.data(), payload.size());
  EXPECT_GT(n, 0u);
  payload.resize(n);
  const Decoded d = decode_all(encode(type, 11, payload));
  EXPECT_EQ(d.payloads.size(), 1u);
  static Bytes kept;
  kept = d.payloads.empty() ? Bytes{} : d.payloads[0];
  T out{};
  EXPECT_EQ(unpack(kept.data(), kept.size(), &out), RNNPOOL_OK);
  // One byte short or long must be rejected (a chunk's data length is free, so not for it).
  if (type != RNNPOOL_MSG_FRAME_CHUNK) {
    T scratch{};
    EXPECT_NE(unpack(kept.data(), kept.size() - 1, &scratch), RNNPOOL_OK);
    Bytes longer = kept;
    longer.push_back(0);
    EXPECT_NE(unpack(longer.data(), longer.size(), &scratch), RNNPOOL_OK);
  }
  return out;
}

TEST(Payload, HelloAndReply) {
  rnnpool_hello hello{RNNPOOL_PROTOCOL_VERSION};
  EXPECT_EQ(roundtrip(RNNPOOL_MSG_HELLO, hello, rnnpool_pack_hello, rnnpool_unpack_hello)
                .protocol_version,
            1);
  rnnpool_hello_reply r{};
  r.protocol_version = 1;
  r.fw_major = 2, r.fw_minor = 3, r.fw_patch = 4;
  r.time_unit = RNNPOOL_TIME_INSTRUCTIONS;
  r.model_digest = 0xDEADBEEF;
  r.clock_hz = 168000000;
  r.arena_size = 70000;
  r.max_payload = 2048;
  r.layer_count = 29;
  std::memcpy(r.board, "nucleo-f439zi", 13);
  r.board_len = 13;
  const auto o =
      roundtrip(RNNPOOL_MSG_HELLO_REPLY, r, rnnpool_pack_hello_reply, rnnpool_unpack_hello_reply);
  EXPECT_EQ(o.fw_patch, 4);
  EXPECT_EQ(o.model_digest, 0xDEADBEEFu);
  EXPECT_EQ(o.clock_hz, 168000000u);
  EXPECT_EQ(o.arena_size, 70000u);
  EXPECT_EQ(o.max_payload, 2048);
  EXPECT_EQ(o.layer_count, 29);
  EXPECT_EQ(std::string(o.board, o.board_len), "nucleo-f439zi");
  r.board_len = RNNPOOL_BOARD_NAME_MAX + 1;
  Bytes out(128);
  EXPECT_EQ(rnnpool_pack_hello_reply(&r, out.data(), out.size()), 0u);
}

TEST(Payload, FrameUploadMessages) {
  rnnpool_frame_begin b{0x01020304, 320, 240, 1, RNNPOOL_PIXEL_GRAY8};
  const auto ob =
      roundtrip(RNNPOOL_MSG_FRAME_BEGIN, b, rnnpool_pack_frame_begin, rnnpool_unpack_frame_begin);
  EXPECT_EQ(ob.frame_id, 0x01020304u);
  EXPECT_EQ(ob.width, 320);
  EXPECT_EQ(ob.height, 240);
  EXPECT_EQ(ob.channels, 1);

  const Bytes pixels = {10, 20, 30, 40, 50};
  rnnpool_frame_chunk c{7, 1000, static_cast<uint16_t>(pixels.size()), pixels.data()};
  const auto oc =
      roundtrip(RNNPOOL_MSG_FRAME_CHUNK, c, rnnpool_pack_frame_chunk, rnnpool_unpack_frame_chunk);
  EXPECT_EQ(oc.frame_id, 7u);
  EXPECT_EQ(oc.offset, 1000u);
  ASSERT_EQ(oc.length, pixels.size());
  EXPECT_EQ(Bytes(oc.data, oc.data + oc.length), pixels);

  rnnpool_frame_end e{99};
  EXPECT_EQ(roundtrip(RNNPOOL_MSG_FRAME_END, e, rnnpool_pack_frame_end, rnnpool_unpack_frame_end)
                .frame_id,
            99u);
  rnnpool_frame_ack a{99, 76800};
  const auto oa =
      roundtrip(RNNPOOL_MSG_FRAME_ACK, a, rnnpool_pack_frame_ack, rnnpool_unpack_frame_ack);
  EXPECT_EQ(oa.bytes_received, 76800u);
}

TEST(Payload, Detections) {
  rnnpool_detections d{};
  d.frame_id = 5;
  d.count = 2;
  d.items[0] = {-3, 4, 100, 120, 65535, 1};
  d.items[1] = {10, 20, 30, 40, 32768, 1};
  const auto o =
      roundtrip(RNNPOOL_MSG_DETECTIONS, d, rnnpool_pack_detections, rnnpool_unpack_detections);
  ASSERT_EQ(o.count, 2);
  EXPECT_EQ(o.items[0].x0, -3);
  EXPECT_EQ(o.items[0].score_q16, 65535);
  EXPECT_EQ(o.items[1].y1, 40);
  d.count = RNNPOOL_MAX_DETECTIONS + 1;
  Bytes out(4096);
  EXPECT_EQ(rnnpool_pack_detections(&d, out.data(), out.size()), 0u);
}

TEST(Payload, LayerDigestsTimingsAndMemory) {
  rnnpool_layer_digests g{};
  g.frame_id = 8;
  g.count = RNNPOOL_MAX_LAYERS;
  for (unsigned i = 0; i < g.count; ++i)
    g.crc[i] = 0x10000000u + i, g.bytes[i] = i * 100;
  const auto og = roundtrip(RNNPOOL_MSG_LAYER_DIGESTS, g, rnnpool_pack_layer_digests,
                            rnnpool_unpack_layer_digests);
  ASSERT_EQ(og.count, RNNPOOL_MAX_LAYERS);
  EXPECT_EQ(og.crc[63], 0x1000003Fu);
  EXPECT_EQ(og.bytes[10], 1000u);

  rnnpool_timings t{};
  t.frame_id = 8;
  t.unit = RNNPOOL_TIME_CYCLES;
  t.count = 3;
  t.frame_total = 4000000000u;
  t.layer[0] = 1, t.layer[1] = 2, t.layer[2] = 3999999997u;
  const auto ot = roundtrip(RNNPOOL_MSG_TIMINGS, t, rnnpool_pack_timings, rnnpool_unpack_timings);
  EXPECT_EQ(ot.frame_total, 4000000000u);
  EXPECT_EQ(ot.layer[2], 3999999997u);

  rnnpool_memory_report m{196608, 8, 5000, 32768, 768, 8192, 300, 4107, 6076, 2};
  const auto om = roundtrip(RNNPOOL_MSG_MEMORY_REPORT, m, rnnpool_pack_memory_report,
                            rnnpool_unpack_memory_report);
  EXPECT_EQ(om.ram_size, 196608u);
  EXPECT_EQ(om.stack_peak, 300u);
  EXPECT_EQ(om.peak_total, 6076u);
  EXPECT_EQ(om.rx_overflows, 2u);
}

TEST(Payload, LayerTensorRequestAndReply) {
  rnnpool_layer_tensor_request q{12, 65536, 1000};
  const auto oq = roundtrip(RNNPOOL_MSG_GET_LAYER_TENSOR, q, rnnpool_pack_layer_tensor_request,
                            rnnpool_unpack_layer_tensor_request);
  EXPECT_EQ(oq.layer, 12);
  EXPECT_EQ(oq.offset, 65536u);
  EXPECT_EQ(oq.max_length, 1000);

  const Bytes data = {1, 2, 3, 4};
  rnnpool_layer_tensor t{3, 12, RNNPOOL_DTYPE_I16, 60, 80, 16, 153600, 100, 4, data.data()};
  const auto ot = roundtrip(RNNPOOL_MSG_LAYER_TENSOR, t, rnnpool_pack_layer_tensor,
                            rnnpool_unpack_layer_tensor);
  EXPECT_EQ(ot.dtype, RNNPOOL_DTYPE_I16);
  EXPECT_EQ(ot.width, 80);
  EXPECT_EQ(ot.total_bytes, 153600u);
  EXPECT_EQ(Bytes(ot.data, ot.data + ot.length), data);

  // A slice running past the tensor's end is invalid.
  t.offset = 153598;
  Bytes out(64);
  const size_t n = rnnpool_pack_layer_tensor(&t, out.data(), out.size());
  rnnpool_layer_tensor bad{};
  EXPECT_EQ(rnnpool_unpack_layer_tensor(out.data(), n, &bad), RNNPOOL_ERR_BAD_PAYLOAD);
}

TEST(Payload, ErrorTruncatesLongText) {
  rnnpool_error e{};
  rnnpool_make_error(&e, RNNPOOL_ERR_BAD_CRC, RNNPOOL_MSG_PING, std::string(200, 'x').c_str());
  EXPECT_EQ(e.text_len, RNNPOOL_ERROR_TEXT_MAX);
  rnnpool_make_error(&e, RNNPOOL_ERR_UNKNOWN_TYPE, 0x42, "unknown type");
  const auto o = roundtrip(RNNPOOL_MSG_ERROR, e, rnnpool_pack_error, rnnpool_unpack_error);
  EXPECT_EQ(o.code, RNNPOOL_ERR_UNKNOWN_TYPE);
  EXPECT_EQ(o.request_type, 0x42);
  EXPECT_EQ(std::string(o.text, o.text_len), "unknown type");
  EXPECT_STREQ(rnnpool_error_name(o.code), "UNKNOWN_TYPE");
  EXPECT_STREQ(rnnpool_msg_type_name(RNNPOOL_MSG_LAYER_DIGESTS), "LAYER_DIGESTS");
}

TEST(Payload, PackersRefuseSmallBuffers) {
  rnnpool_memory_report m{};
  Bytes out(RNNPOOL_MEMORY_REPORT_SIZE - 1);
  EXPECT_EQ(rnnpool_pack_memory_report(&m, out.data(), out.size()), 0u);
  rnnpool_frame_begin b{};
  EXPECT_EQ(rnnpool_pack_frame_begin(&b, nullptr, 100), 0u);
}

} // namespace
