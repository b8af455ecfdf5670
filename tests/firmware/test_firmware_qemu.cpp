// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: the QEMU netduinoplus2 firmware image, driven over its UART pty with the shared
// protocol. One QEMU serves the whole suite; measured numbers are printed (never asserted).
#include "firmware_bridge/protocol/crc32.h"
#include "firmware_bridge/protocol/frame_encoder.h"
#include "firmware_bridge/protocol/payload_codec.h"
#include "firmware_bridge/protocol/wire_format.h"
#include "tests/firmware/posix_serial.h"
#include "tests/firmware/qemu_process.h"
#include "tests/firmware/wire_client.h"

#include <chrono>
#include <cstdio>
#include <gtest/gtest.h>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace rnnpool::firmware;
using Bytes = std::vector<uint8_t>;
using Clock = std::chrono::steady_clock;

constexpr uint16_t kDeviceMaxPayload = 2048;

class FirmwareQemu : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    QemuOptions options;
    options.qemu = RNNPOOL_QEMU_SYSTEM_ARM;
    options.kernel = RNNPOOL_FIRMWARE_QEMU_ELF;
    qemu_ = std::make_unique<QemuProcess>(options);
    qemu_->start();
    serial_ = std::make_unique<PosixSerial>(qemu_->pty_path());
    client_ = std::make_unique<WireClient>(*serial_);
    const auto t0 = Clock::now();
    sync_attempts_ = client_->sync(std::chrono::milliseconds(15000)).value_or(0);
    std::printf("[ measure ] pty %s, first PONG after %d ping(s), %.0f ms\n",
                qemu_->pty_path().c_str(), sync_attempts_,
                std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  static void TearDownTestSuite() {
    client_.reset();
    serial_.reset();
    if (qemu_) qemu_->stop();
    qemu_.reset();
  }
  void SetUp() override {
    ASSERT_GT(sync_attempts_, 0) << "firmware never answered PING; QEMU said: " << qemu_->output();
    ASSERT_TRUE(qemu_->running()) << "QEMU exited: " << qemu_->output();
  }

  static WireMessage must_request(uint8_t type, const Bytes &payload = {}) {
    auto reply = client_->request(type, payload);
    if (!reply) {
      ADD_FAILURE() << "no reply to " << rnnpool_msg_type_name(type);
      return {};
    }
    return *reply;
  }

  static rnnpool_error expect_error(const WireMessage &m, uint8_t code) {
    rnnpool_error e{};
    EXPECT_EQ(m.type, RNNPOOL_MSG_ERROR) << "got " << rnnpool_msg_type_name(m.type);
    if (m.type == RNNPOOL_MSG_ERROR) {
      EXPECT_EQ(rnnpool_unpack_error(m.payload.data(), m.payload.size(), &e), RNNPOOL_OK);
      EXPECT_EQ(e.code, code) << "got " << rnnpool_error_name(e.code) << ": "
                              << std::string(e.text, e.text_len);
    }
    return e;
  }

  template <typename T, typename Pack> static Bytes packed(const T &value, Pack pack) {
    Bytes out(RNNPOOL_WIRE_MAX_PAYLOAD);
    out.resize(pack(&value, out.data(), out.size()));
    return out;
  }

  // Uploads `pixels` as a width x height GRAY8 frame in chunks; returns the DETECTIONS reply.
  static WireMessage upload(uint32_t frame_id, uint16_t width, uint16_t height, const Bytes &pixels,
                            size_t chunk_size) {
    const rnnpool_frame_begin begin{frame_id, width, height, 1, RNNPOOL_PIXEL_GRAY8};
    WireMessage ack =
        must_request(RNNPOOL_MSG_FRAME_BEGIN, packed(begin, rnnpool_pack_frame_begin));
    EXPECT_EQ(ack.type, RNNPOOL_MSG_FRAME_ACK);
    for (size_t offset = 0; offset < pixels.size(); offset += chunk_size) {
      const size_t n = std::min(chunk_size, pixels.size() - offset);
      const rnnpool_frame_chunk chunk{frame_id, static_cast<uint32_t>(offset),
                                      static_cast<uint16_t>(n), pixels.data() + offset};
      ack = must_request(RNNPOOL_MSG_FRAME_CHUNK, packed(chunk, rnnpool_pack_frame_chunk));
      rnnpool_frame_ack a{};
      EXPECT_EQ(ack.type, RNNPOOL_MSG_FRAME_ACK);
      EXPECT_EQ(rnnpool_unpack_frame_ack(ack.payload.data(), ack.payload.size(), &a), RNNPOOL_OK);
      EXPECT_EQ(a.bytes_received, offset + n);
      if (::testing::Test::HasFailure()) return {};
    }
    const rnnpool_frame_end end{frame_id};
    return must_request(RNNPOOL_MSG_FRAME_END, packed(end, rnnpool_pack_frame_end));
  }

  static Bytes test_frame(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    Bytes pixels(n);
    for (auto &p : pixels)
      p = static_cast<uint8_t>(rng());
    return pixels;
  }

  static inline std::unique_ptr<QemuProcess> qemu_;
  static inline std::unique_ptr<PosixSerial> serial_;
  static inline std::unique_ptr<WireClient> client_;
  static inline int sync_attempts_ = 0;
};

TEST_F(FirmwareQemu, HelloReportsBoardVersionClockAndArena) {
  const WireMessage m = must_request(
      RNNPOOL_MSG_HELLO, packed(rnnpool_hello{RNNPOOL_PROTOCOL_VERSION}, rnnpool_pack_hello));
  ASSERT_EQ(m.type, RNNPOOL_MSG_HELLO_REPLY);
  rnnpool_hello_reply r{};
  ASSERT_EQ(rnnpool_unpack_hello_reply(m.payload.data(), m.payload.size(), &r), RNNPOOL_OK);
  EXPECT_EQ(r.protocol_version, RNNPOOL_PROTOCOL_VERSION);
  EXPECT_EQ(std::string(r.board, r.board_len), "qemu-netduinoplus2");
  EXPECT_EQ(r.clock_hz, 168000000u);
  EXPECT_EQ(r.time_unit, RNNPOOL_TIME_INSTRUCTIONS);
  EXPECT_EQ(r.model_digest, 0u) << "stub model: digest placeholder 0";
  EXPECT_EQ(r.arena_size, RNNPOOL_FIRMWARE_ARENA_SIZE);
  EXPECT_EQ(r.max_payload, kDeviceMaxPayload);
  EXPECT_EQ(r.layer_count, 1);
  std::printf("[ measure ] firmware %u.%u.%u on %s\n", r.fw_major, r.fw_minor, r.fw_patch,
              std::string(r.board, r.board_len).c_str());

  const WireMessage wrong = must_request(RNNPOOL_MSG_HELLO, {2, 0});
  expect_error(wrong, RNNPOOL_ERR_PROTOCOL_VERSION);
}

TEST_F(FirmwareQemu, PingEchoesItsPayload) {
  const Bytes payload = {1, 2, 3, 250};
  const WireMessage m = must_request(RNNPOOL_MSG_PING, payload);
  EXPECT_EQ(m.type, RNNPOOL_MSG_PONG);
  EXPECT_EQ(m.payload, payload);
  constexpr int kPings = 50;
  const auto t0 = Clock::now();
  for (int i = 0; i < kPings; ++i)
    ASSERT_EQ(must_request(RNNPOOL_MSG_PING).type, RNNPOOL_MSG_PONG);
  std::printf("[ measure ] PING round trip %.3f ms (mean of %d)\n",
              std::chrono::duration<double, std::milli>(Clock::now() - t0).count() / kPings,
              kPings);
}

TEST_F(FirmwareQemu, SmallFrameDigestEqualsHostCrcAndTensorReadsBack) {
  constexpr uint16_t kW = 32, kH = 24;
  const Bytes pixels = test_frame(kW * kH, 1);
  const WireMessage m = upload(100, kW, kH, pixels, 200);
  ASSERT_EQ(m.type, RNNPOOL_MSG_DETECTIONS);
  rnnpool_detections d{};
  ASSERT_EQ(rnnpool_unpack_detections(m.payload.data(), m.payload.size(), &d), RNNPOOL_OK);
  EXPECT_EQ(d.frame_id, 100u);
  EXPECT_EQ(d.count, 0) << "stub model detects nothing";

  const WireMessage g = must_request(RNNPOOL_MSG_GET_LAYER_DIGESTS);
  ASSERT_EQ(g.type, RNNPOOL_MSG_LAYER_DIGESTS);
  rnnpool_layer_digests digests{};
  ASSERT_EQ(rnnpool_unpack_layer_digests(g.payload.data(), g.payload.size(), &digests), RNNPOOL_OK);
  ASSERT_EQ(digests.count, 1);
  EXPECT_EQ(digests.frame_id, 100u);
  EXPECT_EQ(digests.crc[0], rnnpool_crc32(pixels.data(), pixels.size()));
  EXPECT_EQ(digests.bytes[0], pixels.size());

  // Read the kept layer back in slices and compare with what was sent.
  Bytes readback;
  while (readback.size() < pixels.size()) {
    const rnnpool_layer_tensor_request q{0, static_cast<uint32_t>(readback.size()), 300};
    const WireMessage t =
        must_request(RNNPOOL_MSG_GET_LAYER_TENSOR, packed(q, rnnpool_pack_layer_tensor_request));
    ASSERT_EQ(t.type, RNNPOOL_MSG_LAYER_TENSOR);
    rnnpool_layer_tensor tensor{};
    ASSERT_EQ(rnnpool_unpack_layer_tensor(t.payload.data(), t.payload.size(), &tensor), RNNPOOL_OK);
    ASSERT_EQ(tensor.offset, readback.size());
    ASSERT_GT(tensor.length, 0);
    EXPECT_EQ(tensor.width, kW);
    EXPECT_EQ(tensor.height, kH);
    EXPECT_EQ(tensor.total_bytes, pixels.size());
    readback.insert(readback.end(), tensor.data, tensor.data + tensor.length);
  }
  EXPECT_EQ(readback, pixels);

  const WireMessage tm = must_request(RNNPOOL_MSG_GET_TIMINGS);
  ASSERT_EQ(tm.type, RNNPOOL_MSG_TIMINGS);
  rnnpool_timings timings{};
  ASSERT_EQ(rnnpool_unpack_timings(tm.payload.data(), tm.payload.size(), &timings), RNNPOOL_OK);
  EXPECT_EQ(timings.unit, RNNPOOL_TIME_INSTRUCTIONS);
  EXPECT_EQ(timings.count, 1);
  EXPECT_GT(timings.frame_total, 0u) << "the device measured nothing";
  EXPECT_LE(timings.layer[0], timings.frame_total);
  std::printf("[ measure ] stub frame %ux%u: %u instructions in model, %u in layer 0\n", kW, kH,
              timings.frame_total, timings.layer[0]);

  // A repeated FRAME_END (lost reply) gets the same answer.
  const WireMessage again =
      must_request(RNNPOOL_MSG_FRAME_END, packed(rnnpool_frame_end{100}, rnnpool_pack_frame_end));
  EXPECT_EQ(again.type, RNNPOOL_MSG_DETECTIONS);
}

TEST_F(FirmwareQemu, FullSizeFrameUploadThroughput) {
  constexpr uint16_t kW = 320, kH = 240;
  const Bytes pixels = test_frame(kW * kH, 2);
  const size_t chunk = kDeviceMaxPayload - RNNPOOL_FRAME_CHUNK_FIXED_SIZE;
  const auto t0 = Clock::now();
  const WireMessage m = upload(200, kW, kH, pixels, chunk);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  ASSERT_EQ(m.type, RNNPOOL_MSG_DETECTIONS);
  std::printf("[ measure ] 320x240 upload (%zu-byte chunks): %.2f s, %.1f KiB/s\n", chunk, seconds,
              static_cast<double>(pixels.size()) / 1024.0 / seconds);
  const WireMessage g = must_request(RNNPOOL_MSG_GET_LAYER_DIGESTS);
  rnnpool_layer_digests digests{};
  ASSERT_EQ(rnnpool_unpack_layer_digests(g.payload.data(), g.payload.size(), &digests), RNNPOOL_OK);
  EXPECT_EQ(digests.crc[0], rnnpool_crc32(pixels.data(), pixels.size()));
  // The stub keeps the frame only when it fits its arena (32 KiB by default: it does not).
  const rnnpool_layer_tensor_request q{0, 0, 100};
  const WireMessage t =
      must_request(RNNPOOL_MSG_GET_LAYER_TENSOR, packed(q, rnnpool_pack_layer_tensor_request));
  if (pixels.size() > RNNPOOL_FIRMWARE_ARENA_SIZE)
    expect_error(t, RNNPOOL_ERR_NOT_AVAILABLE);
  else
    EXPECT_EQ(t.type, RNNPOOL_MSG_LAYER_TENSOR);
}

TEST_F(FirmwareQemu, CorruptAndUnknownMessagesGetErrorsAndTheLinkSurvives) {
  // Garbage without a marker byte: silently skipped.
  Bytes garbage(300);
  for (size_t i = 0; i < garbage.size(); ++i)
    garbage[i] = static_cast<uint8_t>(i % 0xA0);
  client_->send_raw(garbage);
  EXPECT_EQ(must_request(RNNPOOL_MSG_PING).type, RNNPOOL_MSG_PONG);

  // A frame with a bad CRC: ERROR BAD_CRC carrying the (untrusted) sequence number.
  Bytes frame(3 + RNNPOOL_WIRE_OVERHEAD);
  const uint8_t payload[3] = {1, 2, 3};
  const uint16_t seq = client_->next_seq();
  ASSERT_GT(rnnpool_wire_encode(RNNPOOL_MSG_PING, seq, payload, 3, frame.data(), frame.size()), 0u);
  frame.back() ^= 0xFF;
  client_->send_raw(frame);
  auto reply = client_->receive(std::chrono::milliseconds(3000));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->seq, seq);
  expect_error(*reply, RNNPOOL_ERR_BAD_CRC);

  // A header announcing more than the device accepts.
  const Bytes too_long = {0xA5, 0x5A, RNNPOOL_MSG_FRAME_CHUNK, 0x33, 0x00, 0x00, 0x10};
  client_->send_raw(too_long);
  reply = client_->receive(std::chrono::milliseconds(3000));
  ASSERT_TRUE(reply.has_value());
  expect_error(*reply, RNNPOOL_ERR_BAD_LENGTH);

  expect_error(must_request(0x42), RNNPOOL_ERR_UNKNOWN_TYPE);
  expect_error(must_request(RNNPOOL_MSG_PONG), RNNPOOL_ERR_UNKNOWN_TYPE);
  expect_error(must_request(RNNPOOL_MSG_GET_MEMORY_REPORT, {1}), RNNPOOL_ERR_BAD_PAYLOAD);
  expect_error(must_request(RNNPOOL_MSG_PING, Bytes(65)), RNNPOOL_ERR_BAD_PAYLOAD);

  // Random garbage (markers included) then a truncated frame: PING polling resynchronises.
  std::mt19937 rng(7);
  Bytes noise(2000);
  for (auto &b : noise)
    b = static_cast<uint8_t>(rng());
  noise.push_back(0xA5);
  noise.push_back(0x5A);
  noise.push_back(RNNPOOL_MSG_PING);
  client_->send_raw(noise);
  const auto attempts = client_->sync(std::chrono::milliseconds(10000));
  ASSERT_TRUE(attempts.has_value()) << "device stopped answering after garbage";
  std::printf("[ measure ] resync after 2,000 random bytes: %d ping(s)\n", *attempts);
  EXPECT_EQ(must_request(RNNPOOL_MSG_PING).type, RNNPOOL_MSG_PONG);
}

TEST_F(FirmwareQemu, UploadRulesAreEnforced) {
  const rnnpool_frame_begin too_big{300, 640, 480, 1, RNNPOOL_PIXEL_GRAY8};
  expect_error(must_request(RNNPOOL_MSG_FRAME_BEGIN, packed(too_big, rnnpool_pack_frame_begin)),
               RNNPOOL_ERR_FRAME_UNSUPPORTED);
  const Bytes some(16, 7);
  const rnnpool_frame_chunk orphan{300, 0, 16, some.data()};
  expect_error(must_request(RNNPOOL_MSG_FRAME_CHUNK, packed(orphan, rnnpool_pack_frame_chunk)),
               RNNPOOL_ERR_NO_FRAME);

  const rnnpool_frame_begin begin{301, 8, 8, 1, RNNPOOL_PIXEL_GRAY8};
  ASSERT_EQ(must_request(RNNPOOL_MSG_FRAME_BEGIN, packed(begin, rnnpool_pack_frame_begin)).type,
            RNNPOOL_MSG_FRAME_ACK);
  const rnnpool_frame_chunk gap{301, 32, 16, some.data()};
  expect_error(must_request(RNNPOOL_MSG_FRAME_CHUNK, packed(gap, rnnpool_pack_frame_chunk)),
               RNNPOOL_ERR_CHUNK_ORDER);
  const rnnpool_frame_chunk other{999, 0, 16, some.data()};
  expect_error(must_request(RNNPOOL_MSG_FRAME_CHUNK, packed(other, rnnpool_pack_frame_chunk)),
               RNNPOOL_ERR_FRAME_ID);
  const rnnpool_frame_chunk first{301, 0, 16, some.data()};
  ASSERT_EQ(must_request(RNNPOOL_MSG_FRAME_CHUNK, packed(first, rnnpool_pack_frame_chunk)).type,
            RNNPOOL_MSG_FRAME_ACK);
  // A retransmitted chunk is acknowledged without being consumed twice.
  const WireMessage dup =
      must_request(RNNPOOL_MSG_FRAME_CHUNK, packed(first, rnnpool_pack_frame_chunk));
  rnnpool_frame_ack a{};
  ASSERT_EQ(rnnpool_unpack_frame_ack(dup.payload.data(), dup.payload.size(), &a), RNNPOOL_OK);
  EXPECT_EQ(a.bytes_received, 16u);
  expect_error(
      must_request(RNNPOOL_MSG_FRAME_END, packed(rnnpool_frame_end{301}, rnnpool_pack_frame_end)),
      RNNPOOL_ERR_FRAME_INCOMPLETE);
  const rnnpool_frame_chunk past{301, 60, 16, some.data()};
  expect_error(must_request(RNNPOOL_MSG_FRAME_CHUNK, packed(past, rnnpool_pack_frame_chunk)),
               RNNPOOL_ERR_BAD_PAYLOAD);
}

TEST_F(FirmwareQemu, MemoryReportIsConsistent) {
  const WireMessage m = must_request(RNNPOOL_MSG_GET_MEMORY_REPORT);
  ASSERT_EQ(m.type, RNNPOOL_MSG_MEMORY_REPORT);
  rnnpool_memory_report r{};
  ASSERT_EQ(rnnpool_unpack_memory_report(m.payload.data(), m.payload.size(), &r), RNNPOOL_OK);
  EXPECT_EQ(r.ram_size, 192u * 1024u);
  EXPECT_EQ(r.arena_size, RNNPOOL_FIRMWARE_ARENA_SIZE);
  const uint32_t kept = 320u * 240u <= RNNPOOL_FIRMWARE_ARENA_SIZE ? 320u * 240u : 32u * 24u;
  EXPECT_EQ(r.arena_high_water, kept) << "the largest frame the stub kept";
  EXPECT_EQ(r.stack_size, 8192u);
  EXPECT_GT(r.stack_peak, 0u);
  EXPECT_LT(r.stack_peak, r.stack_size);
  EXPECT_GT(r.static_bss, r.uart_buffers) << "the UART buffers live in .bss";
  EXPECT_EQ(r.peak_total, r.static_data + r.static_bss + r.arena_high_water + r.stack_peak);
  EXPECT_EQ(r.rx_overflows, 0u);
  std::printf("[ measure ] RAM: data %u + bss %u (UART buffers %u) + arena high water %u/%u + "
              "stack peak %u/%u = %u bytes peak\n",
              r.static_data, r.static_bss, r.uart_buffers, r.arena_high_water, r.arena_size,
              r.stack_peak, r.stack_size, r.peak_total);
}

} // namespace
