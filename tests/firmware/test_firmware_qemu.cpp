// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: the QEMU netduinoplus2 firmware image (the quantized RNNPool-Face-M4, streaming)
// driven over its UART pty with the shared protocol. Detections and every layer digest must
// equal the host's run of the same C executor (QuantizedStreamingExecutor); the memory report is
// held against the planner. One QEMU per test process; times are printed, never asserted.
#include "core/model/zoo.h"
#include "core/plan/memory_plan.h"
#include "core/quant/quantized_model_file.h"
#include "core/quant/quantized_streaming_executor.h"
#include "firmware_bridge/protocol/crc32.h"
#include "firmware_bridge/protocol/frame_encoder.h"
#include "firmware_bridge/protocol/payload_codec.h"
#include "firmware_bridge/protocol/wire_format.h"
#include "tests/firmware/posix_serial.h"
#include "tests/firmware/qemu_process.h"
#include "tests/firmware/wire_client.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace rnnpool::firmware;
using Bytes = std::vector<uint8_t>;
using Clock = std::chrono::steady_clock;

constexpr uint16_t kDeviceMaxPayload = 2048;
// A chunk can complete several RNNPool rows and everything they feed (emulated, on a busy host).
constexpr std::chrono::milliseconds kComputeTimeout{60000};

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

  static WireMessage must_request(uint8_t type, const Bytes &payload = {},
                                  std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
    auto reply = client_->request(type, payload, timeout);
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
      ack = must_request(RNNPOOL_MSG_FRAME_CHUNK, packed(chunk, rnnpool_pack_frame_chunk),
                         kComputeTimeout);
      rnnpool_frame_ack a{};
      EXPECT_EQ(ack.type, RNNPOOL_MSG_FRAME_ACK);
      EXPECT_EQ(rnnpool_unpack_frame_ack(ack.payload.data(), ack.payload.size(), &a), RNNPOOL_OK);
      EXPECT_EQ(a.bytes_received, offset + n);
      if (::testing::Test::HasFailure()) return {};
    }
    const rnnpool_frame_end end{frame_id};
    return must_request(RNNPOOL_MSG_FRAME_END, packed(end, rnnpool_pack_frame_end),
                        kComputeTimeout);
  }

  // A smooth textured frame (random pixels would saturate the first conv uniformly).
  static Bytes test_frame(int w, int h, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    const float fx = 0.05f + 0.2f * u(rng), fy = 0.05f + 0.2f * u(rng), ph = 6.0f * u(rng);
    Bytes pixels(size_t(w) * size_t(h));
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const float v =
            128.0f + 90.0f * std::sin(fx * x + ph) * std::cos(fy * y) + 20.0f * (u(rng) - 0.5f);
        pixels[size_t(y) * size_t(w) + size_t(x)] =
            static_cast<uint8_t>(std::clamp(std::round(v), 0.0f, 255.0f));
      }
    return pixels;
  }

  static const rnnpool::quant::QuantizedModel &model() {
    static const rnnpool::quant::QuantizedModel m =
        rnnpool::quant::load_quantized_model(RNNPOOL_FIRMWARE_QMODEL);
    return m;
  }
  static uint32_t planned_arena() {
    const auto plan =
        rnnpool::make_memory_plan(rnnpool::make_rnnpool_face_m4(model().input),
                                  rnnpool::PlanStrategy::Streaming, rnnpool::PlanDType::I8);
    return static_cast<uint32_t>(plan.arena_bytes);
  }
  // The host's prediction: the same streaming C code on the host, same chunking irrelevant.
  static rnnpool::quant::StreamingRun host_run(const Bytes &pixels, int h, int w) {
    const rnnpool::quant::QuantizedModel m =
        rnnpool::quant::with_input_shape(model(), rnnpool::Shape{h, w, 1});
    return rnnpool::quant::QuantizedStreamingExecutor(m).run(pixels, h, w, 0,
                                                             RNNPOOL_MAX_DETECTIONS);
  }

  static void expect_same_results(const WireMessage &m, const rnnpool::quant::StreamingRun &host,
                                  uint32_t frame_id) {
    rnnpool_detections d{};
    ASSERT_EQ(rnnpool_unpack_detections(m.payload.data(), m.payload.size(), &d), RNNPOOL_OK);
    EXPECT_EQ(d.frame_id, frame_id);
    ASSERT_EQ(d.count, host.detections.size());
    auto px = [](int16_t q4) { return int16_t((q4 + 8) >> 4); };
    for (size_t i = 0; i < host.detections.size(); ++i) {
      const rp_face_detection_t &h = host.detections[i];
      const rnnpool_detection &g = d.items[i];
      EXPECT_EQ(g.x0, px(h.x1)) << "detection " << i;
      EXPECT_EQ(g.y0, px(h.y1)) << "detection " << i;
      EXPECT_EQ(g.x1, px(h.x2)) << "detection " << i;
      EXPECT_EQ(g.y1, px(h.y2)) << "detection " << i;
      EXPECT_EQ(g.score_q16, uint16_t(h.score_q15 * 2)) << "detection " << i;
    }
    const WireMessage g = must_request(RNNPOOL_MSG_GET_LAYER_DIGESTS);
    ASSERT_EQ(g.type, RNNPOOL_MSG_LAYER_DIGESTS);
    rnnpool_layer_digests digests{};
    ASSERT_EQ(rnnpool_unpack_layer_digests(g.payload.data(), g.payload.size(), &digests),
              RNNPOOL_OK);
    EXPECT_EQ(digests.frame_id, frame_id);
    ASSERT_EQ(digests.count, RP_STREAM_LAYERS);
    for (int i = 0; i < RP_STREAM_LAYERS; ++i) {
      EXPECT_EQ(digests.crc[i], host.crc[size_t(i)]) << rnnpool::quant::stream_layer_name(i);
      EXPECT_EQ(digests.bytes[i], host.bytes[size_t(i)]) << rnnpool::quant::stream_layer_name(i);
    }
    std::printf("[ measure ] frame %u: %u detections, %d layer digests equal the host's\n",
                frame_id, d.count, RP_STREAM_LAYERS);
  }

  static rnnpool_timings timings() {
    const WireMessage tm = must_request(RNNPOOL_MSG_GET_TIMINGS);
    rnnpool_timings t{};
    EXPECT_EQ(tm.type, RNNPOOL_MSG_TIMINGS);
    EXPECT_EQ(rnnpool_unpack_timings(tm.payload.data(), tm.payload.size(), &t), RNNPOOL_OK);
    EXPECT_EQ(t.unit, RNNPOOL_TIME_INSTRUCTIONS);
    EXPECT_EQ(t.count, RP_STREAM_LAYERS);
    uint64_t sum = 0;
    for (int i = 0; i < t.count; ++i)
      sum += t.layer[i];
    EXPECT_GT(t.frame_total, 0u);
    EXPECT_LE(sum, t.frame_total) << "layer times are parts of the frame time";
    return t;
  }

  static void print_timings(const rnnpool_timings &t, const char *what) {
    std::printf("[ measure ] %s frame: %u instructions in the model\n", what, t.frame_total);
    for (int i = 0; i < t.count; ++i)
      std::printf("[ measure ]   %-14s %10u\n", rnnpool::quant::stream_layer_name(i), t.layer[i]);
  }

  static rnnpool_memory_report memory_report() {
    const WireMessage m = must_request(RNNPOOL_MSG_GET_MEMORY_REPORT);
    rnnpool_memory_report r{};
    EXPECT_EQ(m.type, RNNPOOL_MSG_MEMORY_REPORT);
    EXPECT_EQ(rnnpool_unpack_memory_report(m.payload.data(), m.payload.size(), &r), RNNPOOL_OK);
    return r;
  }

  static inline std::unique_ptr<QemuProcess> qemu_;
  static inline std::unique_ptr<PosixSerial> serial_;
  static inline std::unique_ptr<WireClient> client_;
  static inline int sync_attempts_ = 0;
};

TEST_F(FirmwareQemu, HelloReportsTheModelDigestAndThePlannedArena) {
  const WireMessage m = must_request(
      RNNPOOL_MSG_HELLO, packed(rnnpool_hello{RNNPOOL_PROTOCOL_VERSION}, rnnpool_pack_hello));
  ASSERT_EQ(m.type, RNNPOOL_MSG_HELLO_REPLY);
  rnnpool_hello_reply r{};
  ASSERT_EQ(rnnpool_unpack_hello_reply(m.payload.data(), m.payload.size(), &r), RNNPOOL_OK);
  EXPECT_EQ(r.protocol_version, RNNPOOL_PROTOCOL_VERSION);
  EXPECT_EQ(std::string(r.board, r.board_len), "qemu-netduinoplus2");
  EXPECT_EQ(r.clock_hz, 168000000u);
  EXPECT_EQ(r.time_unit, RNNPOOL_TIME_INSTRUCTIONS);
  EXPECT_EQ(r.model_digest, model().digest()) << "the firmware runs " << RNNPOOL_FIRMWARE_QMODEL;
  EXPECT_EQ(r.arena_size, planned_arena()) << "arena = plan --strategy streaming --dtype i8";
  EXPECT_EQ(r.max_payload, kDeviceMaxPayload);
  EXPECT_EQ(r.layer_count, RP_STREAM_LAYERS);
  std::printf("[ measure ] firmware %u.%u.%u on %s, model digest 0x%08x, arena %u B\n", r.fw_major,
              r.fw_minor, r.fw_patch, std::string(r.board, r.board_len).c_str(), r.model_digest,
              r.arena_size);

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

TEST_F(FirmwareQemu, SmallFrameEqualsTheHostBitForBit) {
  constexpr uint16_t kW = 64, kH = 48;
  const Bytes pixels = test_frame(kW, kH, 1);
  const rnnpool::quant::StreamingRun host = host_run(pixels, kH, kW);
  const WireMessage m = upload(100, kW, kH, pixels, 200); // rows complete mid-chunk
  ASSERT_EQ(m.type, RNNPOOL_MSG_DETECTIONS);
  expect_same_results(m, host, 100);
  const rnnpool_timings t = timings();
  print_timings(t, "64x48");

  // Streaming: no layer is ever whole on the device, so tensors are not available.
  const rnnpool_layer_tensor_request q{0, 0, 300};
  expect_error(
      must_request(RNNPOOL_MSG_GET_LAYER_TENSOR, packed(q, rnnpool_pack_layer_tensor_request)),
      RNNPOOL_ERR_NOT_AVAILABLE);
  const rnnpool_layer_tensor_request bad{RP_STREAM_LAYERS, 0, 300};
  expect_error(
      must_request(RNNPOOL_MSG_GET_LAYER_TENSOR, packed(bad, rnnpool_pack_layer_tensor_request)),
      RNNPOOL_ERR_BAD_LAYER);
  // A repeated FRAME_END (lost reply) gets the same answer.
  const WireMessage again =
      must_request(RNNPOOL_MSG_FRAME_END, packed(rnnpool_frame_end{100}, rnnpool_pack_frame_end));
  EXPECT_EQ(again.type, RNNPOOL_MSG_DETECTIONS);
  EXPECT_EQ(again.payload, m.payload);
}

TEST_F(FirmwareQemu, OddSizedFrameEqualsTheHostBitForBit) {
  constexpr uint16_t kW = 131, kH = 97; // odd sizes: stride-2 borders, replicate pad
  const Bytes pixels = test_frame(kW, kH, 5);
  const WireMessage m = upload(101, kW, kH, pixels, 1000);
  ASSERT_EQ(m.type, RNNPOOL_MSG_DETECTIONS);
  expect_same_results(m, host_run(pixels, kH, kW), 101);
}

TEST_F(FirmwareQemu, FullFrameEqualsTheHostAndFitsTheRamBudget) {
  constexpr uint16_t kW = 320, kH = 240;
  const Bytes pixels = test_frame(kW, kH, 2);
  const rnnpool::quant::StreamingRun host = host_run(pixels, kH, kW);
  const size_t chunk = kDeviceMaxPayload - RNNPOOL_FRAME_CHUNK_FIXED_SIZE;
  const auto t0 = Clock::now();
  const WireMessage m = upload(200, kW, kH, pixels, chunk);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  ASSERT_EQ(m.type, RNNPOOL_MSG_DETECTIONS);
  std::printf("[ measure ] 320x240 upload + inference under QEMU: %.2f s wall\n", seconds);
  expect_same_results(m, host, 200);
  print_timings(timings(), "320x240");

  const rnnpool_memory_report r = memory_report();
  const uint32_t plan = planned_arena();
  EXPECT_EQ(r.arena_size, plan);
  // Acceptance: the high-water mark within 2% of the plan (the layout IS the plan: equal).
  EXPECT_LE(std::abs(double(r.arena_high_water) - double(plan)), 0.02 * plan);
  EXPECT_EQ(r.arena_high_water, host.arena_high_water) << "host prediction of the painted mark";
  // Acceptance: static + arena + stack (+ UART buffers, inside .bss) within 96 KiB.
  EXPECT_LE(r.peak_total, 98304u);
}

// The committed golden vectors of issue 5 (tests/data/demo_golden, a named demo frame): the
// device's digest of every layer equals the CRC-32 recorded there.
TEST_F(FirmwareQemu, DemoGoldenFrameMatchesTheCommittedGoldenVectors) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(RNNPOOL_SOURCE_DIR) / "tests/data/demo_golden/demo_f00250";
  std::ifstream index_file(dir / "layers.json"), frame_file(dir / "frame.u8", std::ios::binary);
  ASSERT_TRUE(index_file && frame_file) << "no golden vectors in " << dir;
  const nlohmann::json index = nlohmann::json::parse(index_file);
  if (std::strtoul(index.at("model_digest").get<std::string>().c_str(), nullptr, 16) !=
      model().digest())
    GTEST_SKIP() << "the firmware runs another model than the golden vectors' ("
                 << RNNPOOL_FIRMWARE_QMODEL << ")";
  const Bytes pixels{std::istreambuf_iterator<char>(frame_file), std::istreambuf_iterator<char>()};
  const int H = index.at("input_hw")[0], W = index.at("input_hw")[1];
  ASSERT_EQ(pixels.size(), size_t(H) * W);
  const WireMessage m = upload(300, uint16_t(W), uint16_t(H), pixels,
                               kDeviceMaxPayload - RNNPOOL_FRAME_CHUNK_FIXED_SIZE);
  ASSERT_EQ(m.type, RNNPOOL_MSG_DETECTIONS);
  expect_same_results(m, host_run(pixels, H, W), 300);
  const WireMessage g = must_request(RNNPOOL_MSG_GET_LAYER_DIGESTS);
  rnnpool_layer_digests digests{};
  ASSERT_EQ(rnnpool_unpack_layer_digests(g.payload.data(), g.payload.size(), &digests), RNNPOOL_OK);
  const auto &layers = index.at("layers");
  ASSERT_EQ(layers.size(), size_t(digests.count));
  for (size_t i = 0; i < layers.size(); ++i)
    EXPECT_EQ(digests.crc[i],
              std::strtoul(layers[i].at("crc32").get<std::string>().c_str(), nullptr, 16))
        << layers[i].at("name").get<std::string>();
  std::printf("[ measure ] %s: %zu device layer digests equal the committed golden vectors\n",
              dir.filename().c_str(), layers.size());
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

  const rnnpool_frame_begin tiny{302, 8, 8, 1, RNNPOOL_PIXEL_GRAY8}; // no RNNPool row fits
  expect_error(must_request(RNNPOOL_MSG_FRAME_BEGIN, packed(tiny, rnnpool_pack_frame_begin)),
               RNNPOOL_ERR_FRAME_UNSUPPORTED);
  const rnnpool_frame_begin begin{301, 64, 48, 1, RNNPOOL_PIXEL_GRAY8};
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
  const rnnpool_frame_chunk past{301, 64 * 48 - 8, 16, some.data()};
  expect_error(must_request(RNNPOOL_MSG_FRAME_CHUNK, packed(past, rnnpool_pack_frame_chunk)),
               RNNPOOL_ERR_BAD_PAYLOAD);
}

TEST_F(FirmwareQemu, MemoryReportIsConsistent) {
  const rnnpool_memory_report r = memory_report();
  EXPECT_EQ(r.ram_size, 192u * 1024u);
  EXPECT_EQ(r.arena_size, planned_arena());
  EXPECT_LE(r.arena_high_water, r.arena_size);
  EXPECT_EQ(r.stack_size, 8192u);
  EXPECT_GT(r.stack_peak, 0u);
  EXPECT_LT(r.stack_peak, r.stack_size);
  EXPECT_GT(r.static_bss, r.uart_buffers) << "the UART buffers live in .bss";
  EXPECT_EQ(r.peak_total, r.static_data + r.static_bss + r.arena_high_water + r.stack_peak);
  EXPECT_EQ(r.rx_overflows, 0u);
  std::printf("[ measure ] RAM: data %u + bss %u (UART buffers %u) + arena high water %u/%u + "
              "stack peak %u/%u = %u bytes peak (budget 98304)\n",
              r.static_data, r.static_bss, r.uart_buffers, r.arena_high_water, r.arena_size,
              r.stack_peak, r.stack_size, r.peak_total);
}

} // namespace
