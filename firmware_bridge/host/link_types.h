// SPDX-License-Identifier: GPL-3.0-or-later
// Values exchanged between the serial link (on its worker thread) and its users.
#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <cstdint>

namespace rnnpool::bridge {
Q_NAMESPACE

enum class LinkState {
  Disconnected, // no port open, none wanted
  Connecting,   // port open, polling PING until the first PONG
  Connected,    // the device answers
  Reconnecting, // the device was lost; waiting for the same port to come back
  Error         // the port cannot be opened at all (bad name, permissions)
};
Q_ENUM_NS(LinkState)

QString toString(LinkState state);

struct LinkReply {
  bool ok = false; // a valid (CRC-checked) reply carrying one of the request's sequence numbers
  uint8_t type = 0;
  uint16_t seq = 0;
  QByteArray payload;
  int attempts = 0; // sends of the request, retries included
  QString error;    // why !ok
};

struct LinkOptions {
  int syncPingIntervalMs = 100; // PING polling while connecting
  int syncTimeoutMs = 5000;     // give up a connect attempt (then retry while reconnecting)
  int keepAliveMs = 400;        // PING while idle and connected
  int livenessTimeoutMs = 1500; // no valid message for this long: the device is lost
  int reconnectPollMs = 200;    // how often to look for the lost port
  int interByteGapMs = 50;      // a reply stalled this long mid-frame lost bytes: resend
  int defaultTimeoutMs = 300;
  int defaultAttempts = 8;
  qint32 baudRate = 115200;
  // Each attempt's timeout grows by the time its bytes take on the wire at baudRate (10 bits a
  // byte), times this margin: a 2 KiB chunk at 115200 baud needs ~180 ms just to be sent.
  double wireTimeMargin = 1.5;
};

// Counters since the link was created. Retries = resends after a timeout or a detected fault.
struct LinkStats {
  quint64 bytesSent = 0, bytesReceived = 0;
  quint32 messages = 0;      // valid messages decoded
  quint32 crcErrors = 0;     // frames the host decoder rejected (CRC)
  quint32 lengthErrors = 0;  // frames the host decoder rejected (length)
  quint32 skippedBytes = 0;  // garbage skipped while hunting for a marker
  quint32 gapResets = 0;     // partial frames abandoned after an inter-byte gap
  quint32 deviceRejects = 0; // device ERRORs saying our request arrived corrupt
  quint32 staleReplies = 0;  // valid replies to no current request (late, duplicate)
  quint64 flushBytes = 0;    // zeros sent after timeouts to end a partial frame on the device
  quint32 requests = 0, retries = 0, timeouts = 0, failures = 0;
  quint32 disconnects = 0, reconnects = 0;
};

} // namespace rnnpool::bridge
