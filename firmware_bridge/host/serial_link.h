// SPDX-License-Identifier: GPL-3.0-or-later
// The serial driver: lives on a worker thread (moveToThread) and owns the QSerialPort. It frames
// requests with the shared encoder, decodes replies with the shared decoder, matches them by
// sequence number, times out and resends, polls PING to sync, and notices a lost device (port
// errors, or silence) and reopens the same port when it returns (by name or path, or by USB
// serial number when the port has one). One request is in flight at a time: the device answers
// in order and a frame upload is a sequence anyway.
#pragma once

#include "firmware_bridge/host/link_types.h"
#include "firmware_bridge/protocol/frame_decoder.h"

#include <QElapsedTimer>
#include <QObject>
#include <QSerialPort>
#include <QTimer>
#include <deque>
#include <functional>
#include <vector>

namespace rnnpool::bridge {

class SerialLink : public QObject {
  Q_OBJECT
public:
  using Callback = std::function<void(const LinkReply &)>;

  explicit SerialLink(LinkOptions options = {}, QObject *parent = nullptr);
  ~SerialLink() override;

  // All of these run on the link's thread (call them through QMetaObject::invokeMethod).
  void openPort(const QString &name);
  void closePort();
  // Queues a request; `done` runs on the link's thread with the reply or the failure.
  // timeoutMs/attempts <= 0 take the defaults from LinkOptions.
  void submit(uint8_t type, const QByteArray &payload, int timeoutMs, int attempts, Callback done);

  LinkState state() const { return state_; }
  const LinkStats &stats() const { return stats_; }

signals:
  void stateChanged(rnnpool::bridge::LinkState state, const QString &message);

private:
  struct Request {
    uint8_t type = 0;
    QByteArray payload;
    int timeoutMs = 0;
    int attempts = 0;
    Callback done;
    bool internal = false; // keep-alive PING
  };
  struct InFlight {
    Request request;
    std::vector<uint16_t> seqs; // one per attempt; a reply to any of them answers the request
    int sent = 0;
    bool active = false;
  };

  void setState(LinkState state, const QString &message);
  bool tryOpen(const QString &location);
  QString resolvePort() const;
  void lost(const QString &why);
  void onReadyRead();
  void onPortError(QSerialPort::SerialPortError error);
  void onMessage(uint8_t type, uint16_t seq, const uint8_t *payload, uint16_t length);
  void onSyncTick();
  void onKeepAlive();
  void onReconnectTick();
  void onRequestTimeout();
  void onGap();
  void onLivenessTick();
  void resendNow();
  void pump();
  void sendAttempt(int flushBytes = 0);
  int wireTimeMs(int bytes) const;
  void complete(LinkReply reply);
  void failAll(const QString &why);
  uint16_t writeFrame(uint8_t type, const QByteArray &payload);
  void writeRaw(const QByteArray &bytes);

  LinkOptions options_;
  QSerialPort *port_ = nullptr;
  QString wantedName_;   // as given to openPort
  QString serialNumber_; // USB serial of the port, when QSerialPortInfo knows one
  LinkState state_ = LinkState::Disconnected;
  LinkStats stats_;

  std::vector<uint8_t> decodeBuffer_;
  rnnpool_wire_decoder decoder_{};
  uint16_t nextSeq_ = 1;
  std::vector<uint16_t> syncSeqs_;
  int lastFrameSize_ = 0;
  int largestFrameSize_ = 0;
  int consecutiveTimeouts_ = 0;

  std::deque<Request> queue_;
  InFlight inFlight_;

  QTimer syncTimer_, keepAliveTimer_, reconnectTimer_, requestTimer_, gapTimer_, livenessTimer_;
  QElapsedTimer sinceValid_; // since the last valid message
  QElapsedTimer syncStarted_;
};

} // namespace rnnpool::bridge
