// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/parallel.h"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace rnnpool {
namespace {

// Persistent workers: starting threads per layer call would cost more than small layers take.
class Pool {
public:
  explicit Pool(int workers) {
    for (int i = 0; i < workers; ++i)
      threads_.emplace_back([this, i] { work(i); });
  }
  ~Pool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto &t : threads_)
      t.join();
  }
  int workers() const { return int(threads_.size()); }

  // Runs job(k) for k = 1..jobs-1 on the workers and job(0) here; returns when all are done.
  void run(int jobs, const std::function<void(int)> &job) {
    {
      std::lock_guard lock(mutex_);
      job_ = &job;
      jobs_ = jobs;
      pending_ = jobs - 1;
      ++generation_;
    }
    wake_.notify_all();
    job(0);
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    job_ = nullptr;
  }

private:
  void work(int index) {
    std::uint64_t seen = 0;
    for (;;) {
      const std::function<void(int)> *job = nullptr;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        if (index + 1 >= jobs_) continue; // not needed this time
        job = job_;
      }
      (*job)(index + 1);
      std::lock_guard lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int)> *job_ = nullptr;
  int jobs_ = 0, pending_ = 0;
  std::uint64_t generation_ = 0;
  bool stop_ = false;
};

int g_threads = 1;
std::unique_ptr<Pool> g_pool;
std::mutex g_pool_mutex; // one parallel_for at a time (the pool has one job slot)

} // namespace

void set_op_threads(int threads) {
  if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
  std::lock_guard lock(g_pool_mutex);
  if (threads == g_threads) return;
  g_pool.reset();
  g_threads = threads;
  if (threads > 1) g_pool = std::make_unique<Pool>(threads - 1);
}

int op_threads() {
  return g_threads;
}

void parallel_for(std::size_t n, std::size_t grain,
                  const std::function<void(std::size_t, std::size_t)> &body) {
  if (n == 0) return;
  const std::size_t by_grain = std::max<std::size_t>(1, n / std::max<std::size_t>(1, grain));
  const int jobs = int(std::min<std::size_t>(std::size_t(g_threads), by_grain));
  if (jobs <= 1) {
    body(0, n);
    return;
  }
  std::unique_lock lock(g_pool_mutex, std::try_to_lock);
  if (!lock.owns_lock()) { // another thread is using the pool (e.g. two detectors): run here
    body(0, n);
    return;
  }
  g_pool->run(jobs, [&](int k) {
    const std::size_t begin = n * std::size_t(k) / std::size_t(jobs);
    const std::size_t end = n * std::size_t(k + 1) / std::size_t(jobs);
    if (begin < end) body(begin, end);
  });
}

} // namespace rnnpool
