// SPDX-License-Identifier: GPL-3.0-or-later
// The host end of the wire protocol over a PosixSerial: frames requests with the shared encoder,
// decodes replies with the shared decoder and matches them to requests by sequence number.
#ifndef RNNPOOL_TESTS_FIRMWARE_WIRE_CLIENT_H
#define RNNPOOL_TESTS_FIRMWARE_WIRE_CLIENT_H

#include "firmware_bridge/protocol/frame_decoder.h"
#include "tests/firmware/posix_serial.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace rnnpool::firmware {

struct WireMessage {
  uint8_t type = 0;
  uint16_t seq = 0;
  std::vector<uint8_t> payload;
};

class WireClient {
public:
  explicit WireClient(PosixSerial &serial);

  // Frames and sends one message; returns the sequence number used.
  uint16_t send(uint8_t type, const std::vector<uint8_t> &payload = {});
  // Sends raw bytes as they are (garbage, corrupt frames).
  void send_raw(const std::vector<uint8_t> &bytes);
  // Next valid message from the device within `timeout`.
  std::optional<WireMessage> receive(std::chrono::milliseconds timeout);
  // Sends a request and returns the reply carrying its sequence number (other messages are
  // skipped), or nothing after `timeout`.
  std::optional<WireMessage>
  request(uint8_t type, const std::vector<uint8_t> &payload = {},
          std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
  // Polls PING until a PONG arrives: the device drops bytes until its USART is enabled, and a
  // pty discards output until opened, so a banner cannot be relied on. Returns attempts used.
  std::optional<int> sync(std::chrono::milliseconds timeout);

  uint16_t next_seq() const { return seq_; }
  uint32_t decode_errors() const { return decoder_.crc_errors + decoder_.length_errors; }

private:
  PosixSerial &serial_;
  uint16_t seq_ = 1;
  std::vector<uint8_t> buffer_;
  rnnpool_wire_decoder decoder_{};
  std::vector<uint8_t> pending_; // bytes read but not yet decoded
};

} // namespace rnnpool::firmware

#endif
