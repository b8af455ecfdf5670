// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/plan/arena_placement.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace rnnpool {

std::size_t peak_live_bytes(const Liveness &live) {
  std::size_t peak = 0;
  for (int s = 0; s < int(live.steps.size()); ++s) {
    std::size_t total = 0;
    for (const BufferLifetime &b : live.buffers)
      if (b.live_at(s)) total += b.bytes;
    peak = std::max(peak, total);
  }
  return peak;
}

std::size_t first_fit_offset(const std::vector<BufferLifetime> &buffers,
                             const std::vector<std::size_t> &offsets,
                             const std::vector<bool> &placed, std::size_t b) {
  std::vector<std::pair<std::size_t, std::size_t>> taken; // [begin, end) of conflicting buffers
  for (std::size_t i = 0; i < buffers.size(); ++i)
    if (placed[i] && buffers[i].bytes && buffers[i].overlaps_in_time(buffers[b]))
      taken.emplace_back(offsets[i], offsets[i] + buffers[i].bytes);
  std::sort(taken.begin(), taken.end());
  std::size_t candidate = 0;
  for (const auto &[begin, end] : taken) {
    if (candidate + buffers[b].bytes <= begin) break;
    candidate = std::max(candidate, end);
  }
  return candidate;
}

Placement place_in_order(const std::vector<BufferLifetime> &buffers,
                         const std::vector<std::size_t> &order) {
  Placement p;
  p.offsets.assign(buffers.size(), 0);
  std::vector<bool> placed(buffers.size(), false);
  for (std::size_t b : order) {
    p.offsets[b] = first_fit_offset(buffers, p.offsets, placed, b);
    placed[b] = true;
    p.arena_bytes = std::max(p.arena_bytes, p.offsets[b] + buffers[b].bytes);
  }
  return p;
}

Placement place_greedy(const std::vector<BufferLifetime> &buffers) {
  std::vector<std::size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (buffers[a].bytes != buffers[b].bytes) return buffers[a].bytes > buffers[b].bytes;
    return buffers[a].first_step < buffers[b].first_step;
  });
  return place_in_order(buffers, order);
}

namespace {

struct Search {
  const std::vector<BufferLifetime> &buffers;
  std::size_t lower_bound;
  std::size_t node_budget;
  std::vector<std::size_t> candidates; // buffer indices in the order they are tried
  std::vector<std::size_t> offsets;
  std::vector<bool> placed;
  Placement best;
  std::size_t nodes = 0;
  bool stopped = false;

  void run(std::size_t depth, std::size_t arena) {
    if (best.arena_bytes <= lower_bound || nodes >= node_budget) {
      stopped = stopped || nodes >= node_budget;
      return;
    }
    if (depth == candidates.size()) {
      best.offsets = offsets;
      best.arena_bytes = arena;
      return;
    }
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      const std::size_t b = candidates[k];
      if (placed[b] || skip_as_duplicate(k)) continue;
      ++nodes;
      const std::size_t offset = first_fit_offset(buffers, offsets, placed, b);
      const std::size_t top = std::max(arena, offset + buffers[b].bytes);
      if (top >= best.arena_bytes) continue; // cannot improve
      offsets[b] = offset;
      placed[b] = true;
      run(depth + 1, top);
      placed[b] = false;
      if (best.arena_bytes <= lower_bound || stopped) return;
    }
  }

  // Identical buffers (size and lifetime) are interchangeable: try only the first unplaced one.
  bool skip_as_duplicate(std::size_t k) const {
    const BufferLifetime &b = buffers[candidates[k]];
    for (std::size_t j = 0; j < k; ++j) {
      const BufferLifetime &o = buffers[candidates[j]];
      if (!placed[candidates[j]] && o.bytes == b.bytes && o.first_step == b.first_step &&
          o.last_step == b.last_step)
        return true;
    }
    return false;
  }
};

} // namespace

namespace {

// Best order found by improving moves: take one buffer out of the order and reinsert it earlier;
// keep the move when the arena does not grow. Seeded, so plans are reproducible.
std::vector<std::size_t> improve_order(const std::vector<BufferLifetime> &buffers,
                                       std::vector<std::size_t> order, Placement &best,
                                       std::size_t lower_bound, std::size_t moves) {
  std::mt19937 rng(12345);
  for (std::size_t m = 0; m < moves && best.arena_bytes > lower_bound && order.size() > 1; ++m) {
    std::uniform_int_distribution<std::size_t> pick(0, order.size() - 1);
    std::size_t from = pick(rng), to = pick(rng);
    if (from == to) continue;
    if (from < to) std::swap(from, to);
    std::vector<std::size_t> candidate = order;
    const std::size_t b = candidate[from];
    candidate.erase(candidate.begin() + std::ptrdiff_t(from));
    candidate.insert(candidate.begin() + std::ptrdiff_t(to), b);
    Placement p = place_in_order(buffers, candidate);
    if (p.arena_bytes <= best.arena_bytes) {
      best = std::move(p);
      order = std::move(candidate);
    }
  }
  return order;
}

} // namespace

SearchResult place_search(const std::vector<BufferLifetime> &buffers, std::size_t lower_bound,
                          std::size_t node_budget) {
  Search s{buffers, lower_bound, node_budget, {}, {}, {}, place_greedy(buffers), 0, false};
  // Zero-byte buffers sit at offset 0 and constrain nothing; search over the others only.
  for (std::size_t i = 0; i < buffers.size(); ++i)
    if (buffers[i].bytes) s.candidates.push_back(i);
  std::stable_sort(s.candidates.begin(), s.candidates.end(), [&](std::size_t a, std::size_t b) {
    return buffers[a].bytes > buffers[b].bytes;
  });

  // A good incumbent makes the exact search prune hard: other natural orders, then local moves.
  std::vector<std::size_t> by_start = s.candidates;
  std::stable_sort(by_start.begin(), by_start.end(), [&](std::size_t a, std::size_t b) {
    return buffers[a].first_step < buffers[b].first_step;
  });
  Placement start_order = place_in_order(buffers, by_start);
  if (start_order.arena_bytes < s.best.arena_bytes) s.best = std::move(start_order);
  improve_order(buffers, s.candidates, s.best, lower_bound, node_budget / 10);

  s.offsets.assign(buffers.size(), 0);
  s.placed.assign(buffers.size(), false);
  s.run(0, 0);
  return {s.best, s.best.arena_bytes <= lower_bound || !s.stopped, s.nodes};
}

} // namespace rnnpool
