// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/firmware/wire_client.h"

#include "firmware_bridge/protocol/frame_encoder.h"
#include "firmware_bridge/protocol/wire_format.h"

#include <stdexcept>

namespace rnnpool::firmware {

WireClient::WireClient(PosixSerial &serial) : serial_(serial), buffer_(RNNPOOL_WIRE_MAX_PAYLOAD) {
  rnnpool_wire_decoder_init(&decoder_, buffer_.data(), static_cast<uint16_t>(buffer_.size()));
}

uint16_t WireClient::send(uint8_t type, const std::vector<uint8_t> &payload) {
  if (payload.size() > RNNPOOL_WIRE_MAX_PAYLOAD)
    throw std::invalid_argument("payload above RNNPOOL_WIRE_MAX_PAYLOAD");
  std::vector<uint8_t> frame(payload.size() + RNNPOOL_WIRE_OVERHEAD);
  const uint16_t seq = seq_++;
  const size_t n = rnnpool_wire_encode(
      type, seq, payload.data(), static_cast<uint16_t>(payload.size()), frame.data(), frame.size());
  if (n == 0) throw std::logic_error("rnnpool_wire_encode failed");
  serial_.write_all(frame.data(), n);
  return seq;
}

void WireClient::send_raw(const std::vector<uint8_t> &bytes) {
  serial_.write_all(bytes.data(), bytes.size());
}

std::optional<WireMessage> WireClient::receive(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Decode what is buffered first; keep leftover bytes for the next call.
    size_t used = 0;
    while (used < pending_.size()) {
      const auto status = rnnpool_wire_decoder_push(&decoder_, pending_[used++]);
      if (status == RNNPOOL_DECODE_MESSAGE) {
        WireMessage m;
        m.type = decoder_.type;
        m.seq = decoder_.seq;
        m.payload.assign(decoder_.payload, decoder_.payload + decoder_.length);
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(used));
        return m;
      }
    }
    pending_.clear();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    uint8_t chunk[4096];
    const size_t n = serial_.read_some(chunk, sizeof chunk, left);
    pending_.insert(pending_.end(), chunk, chunk + n);
  }
}

std::optional<WireMessage> WireClient::request(uint8_t type, const std::vector<uint8_t> &payload,
                                               std::chrono::milliseconds timeout) {
  const uint16_t seq = send(type, payload);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto reply = receive(left);
    if (!reply) return std::nullopt;
    if (reply->seq == seq) return reply;
  }
}

std::optional<int> WireClient::sync(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int attempt = 1; std::chrono::steady_clock::now() < deadline; ++attempt) {
    auto reply = request(RNNPOOL_MSG_PING, {}, std::chrono::milliseconds(100));
    if (reply && reply->type == RNNPOOL_MSG_PONG) return attempt;
  }
  return std::nullopt;
}

} // namespace rnnpool::firmware
