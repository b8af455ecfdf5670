// SPDX-License-Identifier: GPL-3.0-or-later
// A one-value mailbox between threads: a writer replaces what is there, a reader takes the newest.
// This is how a slow consumer drops frames instead of queueing them.
#pragma once

#include <mutex>
#include <optional>
#include <utility>

namespace rnnpool {

template <typename T> class LatestSlot {
public:
  // Stores `value`; returns true when it replaced one nobody had taken (a dropped value).
  bool put(T value) {
    std::lock_guard lock(mutex_);
    const bool dropped = value_.has_value();
    value_ = std::move(value);
    return dropped;
  }
  std::optional<T> take() {
    std::lock_guard lock(mutex_);
    std::optional<T> out = std::move(value_);
    value_.reset();
    return out;
  }
  // Copy of the current value without taking it.
  std::optional<T> peek() const {
    std::lock_guard lock(mutex_);
    return value_;
  }

private:
  mutable std::mutex mutex_;
  std::optional<T> value_;
};

} // namespace rnnpool
