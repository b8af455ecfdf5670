// SPDX-License-Identifier: GPL-3.0-or-later
// Owns the worker thread the SerialLink runs on and gives other threads a safe handle to it:
// open/close, the current state (and a blocking wait for one), blocking or callback requests,
// and a snapshot of the counters.
#pragma once

#include "firmware_bridge/host/link_types.h"

#include <QObject>
#include <QThread>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace rnnpool::bridge {

class SerialLink;

class DeviceLink : public QObject {
  Q_OBJECT
public:
  explicit DeviceLink(LinkOptions options = {}, QObject *parent = nullptr);
  ~DeviceLink() override;

  void open(const QString &port);
  void close();

  LinkState state() const;
  QString stateMessage() const;
  // Blocks (without an event loop) until the state is `state` or `timeoutMs` passed.
  bool waitForState(LinkState state, int timeoutMs) const;

  // Blocking request; never call it from the link's own thread. timeoutMs/attempts <= 0 take
  // the LinkOptions defaults.
  LinkReply call(uint8_t type, const QByteArray &payload = {}, int timeoutMs = 0, int attempts = 0);
  // Non-blocking: `done` runs on the link's thread.
  void callAsync(uint8_t type, const QByteArray &payload, int timeoutMs, int attempts,
                 std::function<void(const LinkReply &)> done);

  LinkStats stats() const;
  const LinkOptions &options() const { return options_; }

signals:
  // Emitted from the link's thread; connect with the default (auto) connection.
  void stateChanged(rnnpool::bridge::LinkState state, const QString &message);

private:
  LinkOptions options_;
  QThread thread_;
  SerialLink *link_ = nullptr;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  LinkState state_ = LinkState::Disconnected;
  QString message_;
};

} // namespace rnnpool::bridge
