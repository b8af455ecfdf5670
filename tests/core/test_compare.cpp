// SPDX-License-Identifier: GPL-3.0-or-later
// Device-vs-host comparison metrics against hand-computed values.
#include "core/compare/detection_match.h"
#include "core/compare/run_stats.h"
#include "core/compare/tensor_metrics.h"

#include <cmath>
#include <gtest/gtest.h>
#include <vector>

using namespace rnnpool::compare;

TEST(TensorMetrics, IdenticalTensorsAreBitExact) {
  const std::vector<int8_t> a = {1, -2, 3, 127, -128};
  const TensorMetrics m = compare_tensors(std::span<const int8_t>(a), std::span<const int8_t>(a));
  EXPECT_TRUE(m.bit_exact);
  EXPECT_EQ(m.mismatches, 0u);
  EXPECT_EQ(m.rmse, 0.0);
  EXPECT_EQ(m.max_abs, 0.0);
  EXPECT_NEAR(m.cosine, 1.0, 1e-12);
}

TEST(TensorMetrics, HandComputedErrors) {
  const std::vector<float> ref = {1, 2, 3, 4};
  const std::vector<float> dev = {1, 2, 5, 3}; // errors 0, 0, +2, -1
  const TensorMetrics m = compare_tensors(std::span<const float>(ref), std::span<const float>(dev));
  EXPECT_FALSE(m.bit_exact);
  EXPECT_EQ(m.mismatches, 2u);
  EXPECT_DOUBLE_EQ(m.mae, 3.0 / 4);
  EXPECT_DOUBLE_EQ(m.rmse, std::sqrt(5.0 / 4));
  EXPECT_DOUBLE_EQ(m.max_abs, 2.0);
  EXPECT_DOUBLE_EQ(m.error_mean, 0.25);
  EXPECT_NEAR(m.error_std, std::sqrt(5.0 / 4 - 0.0625), 1e-12);
  EXPECT_NEAR(m.l2_relative, std::sqrt(5.0) / std::sqrt(30.0), 1e-12);
  EXPECT_NEAR(m.cosine, (1 + 4 + 15 + 12) / (std::sqrt(30.0) * std::sqrt(39.0)), 1e-12);
}

TEST(TensorMetrics, ZeroReferenceAndSizeMismatch) {
  const std::vector<uint8_t> zeros(4, 0), ones(4, 1), three(3, 0);
  const TensorMetrics m =
      compare_tensors(std::span<const uint8_t>(zeros), std::span<const uint8_t>(ones));
  EXPECT_TRUE(std::isinf(m.l2_relative));
  EXPECT_EQ(m.cosine, 0.0);
  EXPECT_THROW(compare_tensors(std::span<const uint8_t>(zeros), std::span<const uint8_t>(three)),
               std::invalid_argument);
}

TEST(DetectionMatch, GreedyByIouListsDisagreements) {
  const std::vector<Box> ref = {
      {0, 0, 10, 10, 0.9f, 0}, {20, 20, 30, 30, 0.8f, 0}, {50, 50, 60, 60, 0.7f, 0}};
  const std::vector<Box> dev = {{21, 20, 31, 30, 0.85f, 0}, // matches ref 1 (IoU 0.818)
                                {0, 0, 10, 9, 0.9f, 0},     // matches ref 0 (IoU 0.9)
                                {80, 80, 90, 90, 0.6f, 0}}; // extra
  const DetectionMatch m = match_detections(ref, dev);
  ASSERT_EQ(m.matched.size(), 2u);
  EXPECT_EQ(m.matched[0].reference, 0u);
  EXPECT_EQ(m.matched[0].device, 1u);
  EXPECT_NEAR(m.matched[0].iou, 0.9f, 1e-6);
  EXPECT_EQ(m.matched[1].reference, 1u);
  EXPECT_EQ(m.matched[1].device, 0u);
  EXPECT_NEAR(m.matched[1].score_delta, 0.05f, 1e-6);
  EXPECT_EQ(m.missed, std::vector<std::size_t>{2});
  EXPECT_EQ(m.extra, std::vector<std::size_t>{2});
  EXPECT_FALSE(m.agree());
}

TEST(DetectionMatch, BelowThresholdOrOtherLabelDoesNotMatch) {
  const std::vector<Box> ref = {{0, 0, 10, 10, 1, 0}};
  EXPECT_FALSE(match_detections(ref, {{5, 0, 15, 10, 1, 0}}).agree()); // IoU 1/3
  EXPECT_FALSE(match_detections(ref, {{0, 0, 10, 10, 1, 1}}).agree()); // other label
  EXPECT_TRUE(match_detections({}, {}).agree());
}

TEST(RunStats, LatencyAndPerMadd) {
  const LatencyStats s = latency_stats({2, 4, 4, 4, 5, 5, 7, 9});
  EXPECT_EQ(s.count, 8u);
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
  EXPECT_DOUBLE_EQ(s.min, 2.0);
  EXPECT_DOUBLE_EQ(s.max, 9.0);
  EXPECT_DOUBLE_EQ(s.std, 2.0);
  EXPECT_EQ(latency_stats({}).count, 0u);
  EXPECT_DOUBLE_EQ(*units_per_madd(300, 100), 3.0);
  EXPECT_FALSE(units_per_madd(300, 0).has_value());
  const RamComparison ram{110, 100};
  EXPECT_NEAR(*ram.relative_difference(), 0.1, 1e-12);
  const RamComparison no_plan{110, 0};
  EXPECT_FALSE(no_plan.relative_difference().has_value());
}
