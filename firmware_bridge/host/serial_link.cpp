// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/host/serial_link.h"

#include "firmware_bridge/protocol/frame_encoder.h"
#include "firmware_bridge/protocol/payload_codec.h"
#include "firmware_bridge/protocol/wire_format.h"

#include <QFileInfo>
#include <QSerialPortInfo>
#include <algorithm>

namespace rnnpool::bridge {

QString toString(LinkState state) {
  switch (state) {
  case LinkState::Disconnected: return "disconnected";
  case LinkState::Connecting: return "connecting";
  case LinkState::Connected: return "connected";
  case LinkState::Reconnecting: return "reconnecting";
  case LinkState::Error: return "error";
  }
  return "?";
}

namespace {

bool isTransportError(uint8_t code) {
  return code == RNNPOOL_ERR_BAD_CRC || code == RNNPOOL_ERR_BAD_LENGTH ||
         code == RNNPOOL_ERR_RX_OVERFLOW;
}

// QSerialPortInfo entry for a port name ("ttyACM0") or location ("/dev/ttyACM0").
std::optional<QSerialPortInfo> findListed(const QString &name) {
  for (const QSerialPortInfo &info : QSerialPortInfo::availablePorts())
    if (info.portName() == name || info.systemLocation() == name) return info;
  return std::nullopt;
}

} // namespace

SerialLink::SerialLink(LinkOptions options, QObject *parent)
    : QObject(parent), options_(options), decodeBuffer_(RNNPOOL_WIRE_MAX_PAYLOAD), syncTimer_(this),
      keepAliveTimer_(this), reconnectTimer_(this), requestTimer_(this), gapTimer_(this),
      livenessTimer_(this) {
  rnnpool_wire_decoder_init(&decoder_, decodeBuffer_.data(),
                            static_cast<uint16_t>(decodeBuffer_.size()));
  requestTimer_.setSingleShot(true);
  gapTimer_.setSingleShot(true);
  connect(&syncTimer_, &QTimer::timeout, this, &SerialLink::onSyncTick);
  connect(&keepAliveTimer_, &QTimer::timeout, this, &SerialLink::onKeepAlive);
  connect(&reconnectTimer_, &QTimer::timeout, this, &SerialLink::onReconnectTick);
  connect(&requestTimer_, &QTimer::timeout, this, &SerialLink::onRequestTimeout);
  connect(&gapTimer_, &QTimer::timeout, this, &SerialLink::onGap);
  connect(&livenessTimer_, &QTimer::timeout, this, &SerialLink::onLivenessTick);
}

SerialLink::~SerialLink() {
  closePort();
}

void SerialLink::setState(LinkState state, const QString &message) {
  state_ = state;
  emit stateChanged(state, message);
}

void SerialLink::openPort(const QString &name) {
  closePort();
  wantedName_ = name;
  serialNumber_.clear();
  if (auto info = findListed(name)) serialNumber_ = info->serialNumber();
  if (!tryOpen(name)) {
    const QString why = port_ ? port_->errorString() : QString("no such port");
    setState(LinkState::Error, QString("cannot open serial port '%1': %2").arg(name, why));
    delete port_;
    port_ = nullptr;
    wantedName_.clear();
  }
}

bool SerialLink::tryOpen(const QString &location) {
  delete port_;
  port_ = new QSerialPort(this);
  // A full path (a pty, or a symlink to one) is used as is; QSerialPortInfo does not list ptys.
  port_->setPortName(location);
  if (!port_->open(QIODevice::ReadWrite)) return false;
  port_->setBaudRate(options_.baudRate);
  port_->setDataBits(QSerialPort::Data8);
  port_->setParity(QSerialPort::NoParity);
  port_->setStopBits(QSerialPort::OneStop);
  port_->setFlowControl(QSerialPort::NoFlowControl);
  port_->clear();
  connect(port_, &QSerialPort::readyRead, this, &SerialLink::onReadyRead);
  connect(port_, &QSerialPort::errorOccurred, this, &SerialLink::onPortError);
  rnnpool_wire_decoder_reset(&decoder_);
  syncSeqs_.clear();
  reconnectTimer_.stop();
  const bool again = state_ == LinkState::Reconnecting;
  setState(LinkState::Connecting,
           QString("%1 %2; polling PING").arg(again ? "reopened" : "opened", location));
  syncStarted_.start();
  sinceValid_.start();
  syncTimer_.start(options_.syncPingIntervalMs);
  onSyncTick();
  return true;
}

QString SerialLink::resolvePort() const {
  if (!serialNumber_.isEmpty())
    for (const QSerialPortInfo &info : QSerialPortInfo::availablePorts())
      if (info.serialNumber() == serialNumber_) return info.systemLocation();
  if (wantedName_.startsWith('/')) return QFileInfo::exists(wantedName_) ? wantedName_ : QString();
  if (auto info = findListed(wantedName_)) return info->systemLocation();
  return {};
}

void SerialLink::closePort() {
  syncTimer_.stop();
  keepAliveTimer_.stop();
  reconnectTimer_.stop();
  requestTimer_.stop();
  gapTimer_.stop();
  livenessTimer_.stop();
  failAll("link closed");
  if (port_) {
    port_->disconnect(this);
    port_->close();
    port_->deleteLater();
    port_ = nullptr;
  }
  const bool wasOpen = !wantedName_.isEmpty();
  wantedName_.clear();
  if (wasOpen || state_ != LinkState::Disconnected)
    setState(LinkState::Disconnected, "link closed");
}

void SerialLink::lost(const QString &why) {
  if (state_ == LinkState::Connected) ++stats_.disconnects;
  syncTimer_.stop();
  keepAliveTimer_.stop();
  requestTimer_.stop();
  gapTimer_.stop();
  livenessTimer_.stop();
  if (port_) {
    // May run inside the port's own signal: let the event loop delete it.
    port_->disconnect(this);
    port_->close();
    port_->deleteLater();
    port_ = nullptr;
  }
  rnnpool_wire_decoder_reset(&decoder_);
  setState(LinkState::Reconnecting, QString("device disconnected: %1").arg(why));
  failAll(QString("device disconnected: %1").arg(why));
  reconnectTimer_.start(options_.reconnectPollMs);
}

void SerialLink::onReconnectTick() {
  if (state_ != LinkState::Reconnecting) return;
  const QString location = resolvePort();
  if (location.isEmpty()) return;
  if (!tryOpen(location)) {
    delete port_;
    port_ = nullptr;
  }
}

void SerialLink::onPortError(QSerialPort::SerialPortError error) {
  switch (error) {
  case QSerialPort::ResourceError:
  case QSerialPort::ReadError:
  case QSerialPort::WriteError:
  case QSerialPort::DeviceNotFoundError:
  case QSerialPort::PermissionError:
    lost(port_ ? port_->errorString() : QString("port error"));
    break;
  default: break; // timeouts and unsupported settings (ptys) are not a lost device
  }
}

void SerialLink::onSyncTick() {
  if (state_ != LinkState::Connecting || !port_) return;
  if (syncStarted_.elapsed() > options_.syncTimeoutMs) {
    const QString location = port_->portName();
    lost(QString("no PONG from %1 within %2 ms").arg(location).arg(options_.syncTimeoutMs));
    return;
  }
  syncSeqs_.push_back(writeFrame(RNNPOOL_MSG_PING, {}));
  if (syncSeqs_.size() > 256) syncSeqs_.erase(syncSeqs_.begin());
}

void SerialLink::onKeepAlive() {
  if (state_ != LinkState::Connected || inFlight_.active || !queue_.empty()) return;
  Request ping;
  ping.type = RNNPOOL_MSG_PING;
  ping.timeoutMs = std::min(options_.defaultTimeoutMs, options_.keepAliveMs);
  ping.attempts = 1;
  ping.internal = true;
  queue_.push_back(std::move(ping));
  pump();
}

void SerialLink::onLivenessTick() {
  if (state_ != LinkState::Connected) return;
  // A long computation (FRAME_END on the real model) is bounded by its own timeout instead.
  const bool longRequest = inFlight_.active && !inFlight_.request.internal &&
                           inFlight_.request.timeoutMs >= options_.livenessTimeoutMs;
  if (!longRequest && sinceValid_.elapsed() > options_.livenessTimeoutMs)
    lost(QString("no answer for %1 ms").arg(sinceValid_.elapsed()));
}

void SerialLink::submit(uint8_t type, const QByteArray &payload, int timeoutMs, int attempts,
                        Callback done) {
  if (state_ != LinkState::Connected) {
    LinkReply r;
    r.error = state_ == LinkState::Reconnecting
                  ? QString("device disconnected")
                  : QString("link not connected (%1)").arg(toString(state_));
    if (done) done(r);
    return;
  }
  if (payload.size() > static_cast<qsizetype>(RNNPOOL_WIRE_MAX_PAYLOAD)) {
    LinkReply r;
    r.error = QString("%1 payload of %2 bytes exceeds the protocol's %3")
                  .arg(rnnpool_msg_type_name(type))
                  .arg(payload.size())
                  .arg(RNNPOOL_WIRE_MAX_PAYLOAD);
    if (done) done(r);
    return;
  }
  Request request;
  request.type = type;
  request.payload = payload;
  request.timeoutMs = timeoutMs > 0 ? timeoutMs : options_.defaultTimeoutMs;
  request.attempts = attempts > 0 ? attempts : options_.defaultAttempts;
  request.done = std::move(done);
  queue_.push_back(std::move(request));
  pump();
}

void SerialLink::pump() {
  if (inFlight_.active || state_ != LinkState::Connected || queue_.empty()) return;
  inFlight_ = InFlight{};
  inFlight_.request = std::move(queue_.front());
  queue_.pop_front();
  inFlight_.active = true;
  if (!inFlight_.request.internal) ++stats_.requests;
  sendAttempt();
}

void SerialLink::sendAttempt(int flushBytes) {
  if (!inFlight_.active || !port_) return;
  if (inFlight_.sent >= inFlight_.request.attempts) {
    LinkReply r;
    r.attempts = inFlight_.sent;
    r.error = QString("no valid reply to %1 after %2 attempt(s) of %3 ms")
                  .arg(rnnpool_msg_type_name(inFlight_.request.type))
                  .arg(inFlight_.sent)
                  .arg(inFlight_.request.timeoutMs);
    if (!inFlight_.request.internal) ++stats_.failures;
    complete(r);
    return;
  }
  if (inFlight_.sent > 0 && !inFlight_.request.internal) ++stats_.retries;
  ++inFlight_.sent;
  inFlight_.seqs.push_back(writeFrame(inFlight_.request.type, inFlight_.request.payload));
  requestTimer_.start(inFlight_.request.timeoutMs + wireTimeMs(lastFrameSize_ + flushBytes));
}

void SerialLink::resendNow() {
  requestTimer_.stop();
  sendAttempt();
}

void SerialLink::onRequestTimeout() {
  if (!inFlight_.active) return;
  if (!inFlight_.request.internal) ++stats_.timeouts;
  ++consecutiveTimeouts_;
  // A reply that stalled will never complete; and the device may sit on a partial request
  // (a byte of it was lost): zeros (never a marker) complete that frame so it fails its CRC,
  // then the device hunts past the rest. Sized for the likely case first (what we just sent),
  // then for any frame we sent, then for the largest frame (a corrupted length field).
  rnnpool_wire_decoder_reset(&decoder_);
  int flush = lastFrameSize_ + 16;
  if (consecutiveTimeouts_ == 2) flush = largestFrameSize_ + 16;
  if (consecutiveTimeouts_ > 2) flush = static_cast<int>(RNNPOOL_WIRE_MAX_FRAME);
  if (inFlight_.sent < inFlight_.request.attempts) {
    writeRaw(QByteArray(flush, '\0'));
    stats_.flushBytes += static_cast<quint64>(flush);
  }
  sendAttempt(flush);
}

int SerialLink::wireTimeMs(int bytes) const {
  const double perByteMs = 10.0 * 1000.0 / std::max(1, options_.baudRate);
  return static_cast<int>(bytes * perByteMs * options_.wireTimeMargin) + 1;
}

void SerialLink::onGap() {
  if (!rnnpool_wire_decoder_in_frame(&decoder_)) return;
  // Bytes of a reply went missing: it can never pass its CRC. Start over now, not at the timeout.
  rnnpool_wire_decoder_reset(&decoder_);
  ++stats_.gapResets;
  if (inFlight_.active) resendNow();
}

void SerialLink::complete(LinkReply reply) {
  requestTimer_.stop();
  Request request = std::move(inFlight_.request);
  inFlight_ = InFlight{};
  if (reply.ok) consecutiveTimeouts_ = 0;
  if (request.done) request.done(reply);
  pump();
}

void SerialLink::failAll(const QString &why) {
  requestTimer_.stop();
  while (inFlight_.active || !queue_.empty()) {
    Request request;
    int attempts = 0;
    if (inFlight_.active) {
      request = std::move(inFlight_.request);
      attempts = inFlight_.sent;
      inFlight_ = InFlight{};
    } else {
      request = std::move(queue_.front());
      queue_.pop_front();
    }
    LinkReply r;
    r.attempts = attempts;
    r.error = why;
    if (request.done) request.done(r);
  }
}

void SerialLink::onReadyRead() {
  if (!port_) return;
  const QByteArray data = port_->readAll();
  stats_.bytesReceived += static_cast<quint64>(data.size());
  for (const char c : data) {
    if (!port_) break; // a callback closed the link
    const auto status = rnnpool_wire_decoder_push(&decoder_, static_cast<uint8_t>(c));
    if (status == RNNPOOL_DECODE_MESSAGE) {
      onMessage(decoder_.type, decoder_.seq, decoder_.payload, decoder_.length);
    } else if (status == RNNPOOL_DECODE_BAD_CRC || status == RNNPOOL_DECODE_BAD_LENGTH) {
      if (status == RNNPOOL_DECODE_BAD_CRC)
        ++stats_.crcErrors;
      else
        ++stats_.lengthErrors;
      // The seq is untrusted, but when it names the current attempt the reply was ours.
      if (inFlight_.active && !inFlight_.seqs.empty() && decoder_.seq == inFlight_.seqs.back())
        resendNow();
    }
  }
  stats_.skippedBytes = decoder_.skipped_bytes;
  if (port_ && rnnpool_wire_decoder_in_frame(&decoder_))
    gapTimer_.start(options_.interByteGapMs);
  else
    gapTimer_.stop();
}

void SerialLink::onMessage(uint8_t type, uint16_t seq, const uint8_t *payload, uint16_t length) {
  ++stats_.messages;
  sinceValid_.restart();
  if (state_ == LinkState::Connecting) {
    if (type == RNNPOOL_MSG_PONG &&
        std::find(syncSeqs_.begin(), syncSeqs_.end(), seq) != syncSeqs_.end()) {
      syncTimer_.stop();
      const bool again = stats_.disconnects > 0 || stats_.reconnects > 0;
      if (again) ++stats_.reconnects;
      setState(LinkState::Connected, QString("device answers on %1 after %2 ping(s), %3 ms")
                                         .arg(port_->portName())
                                         .arg(syncSeqs_.size())
                                         .arg(syncStarted_.elapsed()));
      keepAliveTimer_.start(options_.keepAliveMs);
      livenessTimer_.start(100);
      pump();
    }
    return;
  }
  const bool ours = inFlight_.active && std::find(inFlight_.seqs.begin(), inFlight_.seqs.end(),
                                                  seq) != inFlight_.seqs.end();
  if (!ours) {
    ++stats_.staleReplies;
    return;
  }
  if (type == RNNPOOL_MSG_ERROR) {
    rnnpool_error e{};
    if (rnnpool_unpack_error(payload, length, &e) == RNNPOOL_OK && isTransportError(e.code)) {
      // The device got our request corrupt: resend (only for the latest attempt; an older
      // attempt's complaint is already being dealt with).
      ++stats_.deviceRejects;
      if (seq == inFlight_.seqs.back()) resendNow();
      return;
    }
  }
  LinkReply r;
  r.ok = true;
  r.type = type;
  r.seq = seq;
  r.payload = QByteArray(reinterpret_cast<const char *>(payload), length);
  r.attempts = inFlight_.sent;
  complete(std::move(r));
}

uint16_t SerialLink::writeFrame(uint8_t type, const QByteArray &payload) {
  const uint16_t seq = nextSeq_++;
  if (nextSeq_ == 0) nextSeq_ = 1; // 0 marks unsolicited device messages
  QByteArray frame(payload.size() + static_cast<int>(RNNPOOL_WIRE_OVERHEAD), '\0');
  const size_t n = rnnpool_wire_encode(
      type, seq, reinterpret_cast<const uint8_t *>(payload.constData()),
      static_cast<uint16_t>(payload.size()), reinterpret_cast<uint8_t *>(frame.data()),
      static_cast<size_t>(frame.size()));
  frame.resize(static_cast<qsizetype>(n));
  lastFrameSize_ = static_cast<int>(n);
  largestFrameSize_ = std::max(largestFrameSize_, lastFrameSize_);
  writeRaw(frame);
  return seq;
}

void SerialLink::writeRaw(const QByteArray &bytes) {
  if (!port_ || bytes.isEmpty()) return;
  port_->write(bytes);
  stats_.bytesSent += static_cast<quint64>(bytes.size());
}

} // namespace rnnpool::bridge
