// SPDX-License-Identifier: GPL-3.0-or-later
#include "firmware_bridge/host/device_link.h"

#include "firmware_bridge/host/serial_link.h"

#include <future>
#include <memory>

namespace rnnpool::bridge {

DeviceLink::DeviceLink(LinkOptions options, QObject *parent) : QObject(parent), options_(options) {
  thread_.setObjectName("rnnpool-serial-link");
  link_ = new SerialLink(options_);
  link_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, link_, &QObject::deleteLater);
  // Direct: runs on the link's thread, so waiters see every state the moment it happens.
  connect(
      link_, &SerialLink::stateChanged, link_,
      [this](LinkState s, const QString &message) {
        {
          std::lock_guard lock(mutex_);
          state_ = s;
          message_ = message;
        }
        changed_.notify_all();
        emit stateChanged(s, message);
      },
      Qt::DirectConnection);
  thread_.start();
}

DeviceLink::~DeviceLink() {
  QMetaObject::invokeMethod(
      link_, [link = link_] { link->closePort(); }, Qt::BlockingQueuedConnection);
  thread_.quit();
  thread_.wait();
}

void DeviceLink::open(const QString &port) {
  QMetaObject::invokeMethod(link_, [link = link_, port] { link->openPort(port); });
}

void DeviceLink::close() {
  QMetaObject::invokeMethod(
      link_, [link = link_] { link->closePort(); }, Qt::BlockingQueuedConnection);
}

LinkState DeviceLink::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

QString DeviceLink::stateMessage() const {
  std::lock_guard lock(mutex_);
  return message_;
}

bool DeviceLink::waitForState(LinkState state, int timeoutMs) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                           [&] { return state_ == state; });
}

LinkReply DeviceLink::call(uint8_t type, const QByteArray &payload, int timeoutMs, int attempts) {
  auto promise = std::make_shared<std::promise<LinkReply>>();
  std::future<LinkReply> future = promise->get_future();
  callAsync(type, payload, timeoutMs, attempts,
            [promise](const LinkReply &reply) { promise->set_value(reply); });
  return future.get();
}

void DeviceLink::callAsync(uint8_t type, const QByteArray &payload, int timeoutMs, int attempts,
                           std::function<void(const LinkReply &)> done) {
  QMetaObject::invokeMethod(
      link_, [link = link_, type, payload, timeoutMs, attempts, done = std::move(done)]() mutable {
        link->submit(type, payload, timeoutMs, attempts, std::move(done));
      });
}

LinkStats DeviceLink::stats() const {
  LinkStats out;
  QMetaObject::invokeMethod(
      link_, [link = link_, &out] { out = link->stats(); }, Qt::BlockingQueuedConnection);
  return out;
}

} // namespace rnnpool::bridge
