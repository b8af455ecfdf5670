// SPDX-License-Identifier: GPL-3.0-or-later
// Matching, average precision, per-subset metrics and the dataset manifest reader.
#include "core/eval/dataset.h"
#include "core/eval/evaluation.h"
#include "core/eval/matching.h"
#include "core/eval/metrics.h"

#include <gtest/gtest.h>

using namespace rnnpool;
using namespace rnnpool::eval;

namespace {

std::vector<ScoredMatch> sequence(std::initializer_list<bool> tp) {
  // Scores 0.9, 0.8, ... in the given TP/FP order.
  std::vector<ScoredMatch> out;
  float score = 0.9f;
  for (bool t : tp)
    out.push_back({score, t}), score -= 0.1f;
  return out;
}

std::string what_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const std::exception &e) {
    return e.what();
  }
  return "(no exception)";
}

} // namespace

TEST(EvalAveragePrecision, HandWorkedExample) {
  // 3 faces; ranked TP, FP, TP, FP, TP. Precision 1, 1/2, 2/3, 2/4, 3/5 at recall 1/3, 1/3, 2/3,
  // 2/3, 1. Interpolated precision at recall 1/3, 2/3, 1: 1, 2/3 (max of 2/3, 1/2, 3/5), 3/5.
  // AP = 1/3 * (1 + 2/3 + 3/5) = 34/45.
  EXPECT_NEAR(*average_precision(sequence({true, false, true, false, true}), 3), 34.0 / 45.0,
              1e-12);
}

TEST(EvalAveragePrecision, RankingByScoreNotInputOrder) {
  std::vector<ScoredMatch> shuffled{
      {0.5f, true}, {0.9f, true}, {0.7f, false}, {0.6f, false}, {0.8f, false}};
  // Ranked: TP(0.9), FP(0.8), FP(0.7), FP(0.6), TP(0.5); 2 faces -> 1/2 * 1 + 1/2 * 2/5.
  EXPECT_NEAR(*average_precision(shuffled, 2), 0.5 + 0.2, 1e-12);
}

TEST(EvalAveragePrecision, MissedFacesCapRecallAndNoFacesIsUndefined) {
  EXPECT_NEAR(*average_precision(sequence({true}), 4), 0.25, 1e-12);
  EXPECT_EQ(*average_precision({}, 2), 0.0);
  EXPECT_FALSE(average_precision(sequence({false, false}), 0).has_value());
}

TEST(EvalMatching, EachFaceMatchedOnceBestScoreFirst) {
  const std::vector<Box> gt{{0, 0, 10, 10}, {100, 100, 120, 120}};
  const std::vector<Detection> dets{
      {1, 1, 11, 11, 0.6f},         // second detection of face 0: FP
      {0, 0, 10, 10, 0.9f},         // face 0: TP (higher score, matched first)
      {100, 100, 121, 121, 0.7f},   // face 1: TP
      {200, 200, 210, 210, 0.95f}}; // nothing there: FP
  const std::vector<ScoredMatch> m = match_detections(dets, gt);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_FALSE(m[0].true_positive);
  EXPECT_TRUE(m[1].true_positive);
  EXPECT_TRUE(m[2].true_positive);
  EXPECT_FALSE(m[3].true_positive);
  EXPECT_FLOAT_EQ(m[0].score, 0.6f);
}

TEST(EvalMatching, IouBelowHalfIsAMiss) {
  const std::vector<Box> gt{{0, 0, 10, 10}};
  // Shifted by 4 px: intersection 60, union 140, IoU 0.43.
  EXPECT_FALSE(match_detections(std::vector<Detection>{{4, 0, 14, 10, 0.9f}}, gt)[0].true_positive);
  // Shifted by 3 px: intersection 70, union 130, IoU 0.54.
  EXPECT_TRUE(match_detections(std::vector<Detection>{{3, 0, 13, 10, 0.9f}}, gt)[0].true_positive);
}

TEST(EvalMatching, TakesTheUnmatchedFaceWhenTheBestIsTaken) {
  // Two overlapping faces; the weaker detection overlaps face A most, but A is taken.
  const std::vector<Box> gt{{0, 0, 10, 10}, {2, 0, 12, 10}};
  const std::vector<Detection> dets{{0, 0, 10, 10, 0.9f}, {1, 0, 11, 10, 0.8f}};
  const std::vector<ScoredMatch> m = match_detections(dets, gt);
  EXPECT_TRUE(m[0].true_positive);
  EXPECT_TRUE(m[1].true_positive);
}

TEST(EvalMetrics, RecallPrecisionAndFalsePositivesPerNegativeImage) {
  MetricsAccumulator faces, negatives;
  // Image 1: 2 faces, detections TP 0.9, FP 0.3 (below threshold 0.5), TP 0.4 (below).
  faces.add_image({{0.9f, true}, {0.3f, false}, {0.4f, true}}, 2, false, 10.0);
  // Image 2: 1 face, one FP above threshold.
  faces.add_image({{0.8f, false}}, 1, false, 20.0);
  // Three negative images: 2 FPs above 0.5 in the first, one below in the second, none in the
  // third.
  negatives.add_image({{0.7f, false}, {0.6f, false}}, 0, true, 1.0);
  negatives.add_image({{0.2f, false}}, 0, true, 2.0);
  negatives.add_image({}, 0, true, 3.0);

  const SubsetMetrics f = faces.compute(0.5f);
  EXPECT_EQ(f.images, 2);
  EXPECT_EQ(f.faces, 3);
  EXPECT_EQ(f.true_positives, 1);
  EXPECT_EQ(f.false_positives, 1);
  EXPECT_NEAR(*f.recall, 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(*f.precision, 0.5, 1e-12);
  // Ranked: TP .9, FP .8, TP .4, FP .3 with 3 faces -> 1/3 * 1 + 1/3 * 2/3.
  EXPECT_NEAR(*f.average_precision, 1.0 / 3.0 + 2.0 / 9.0, 1e-12);
  EXPECT_FALSE(f.fp_per_negative_image.has_value());
  EXPECT_DOUBLE_EQ(f.ms_per_image, 15.0);

  const SubsetMetrics n = negatives.compute(0.5f);
  EXPECT_EQ(n.negative_images, 3);
  EXPECT_NEAR(*n.fp_per_negative_image, 2.0 / 3.0, 1e-12);
  EXPECT_FALSE(n.recall.has_value());
  EXPECT_FALSE(n.average_precision.has_value());
  EXPECT_NEAR(*n.precision, 0.0, 1e-12);

  MetricsAccumulator overall;
  overall.merge(faces);
  overall.merge(negatives);
  const SubsetMetrics o = overall.compute(0.5f);
  EXPECT_EQ(o.images, 5);
  EXPECT_EQ(o.false_positives, 3);
  EXPECT_NEAR(*o.fp_per_negative_image, 2.0 / 3.0, 1e-12);
  // FPs on negatives rank among the face detections: TP .9, FP .8, FP .7, FP .6, TP .4, ...
  // -> 1/3 * 1 + 1/3 * 2/5.
  EXPECT_NEAR(*o.average_precision, 1.0 / 3.0 + 2.0 / 15.0, 1e-12);
  EXPECT_NEAR(*o.precision, 0.25, 1e-12);
}

TEST(EvalMetrics, NoDetectionsLeavesPrecisionUndefinedAndRecallZero) {
  MetricsAccumulator a;
  a.add_image({}, 2, false, 1.0);
  const SubsetMetrics m = a.compute(0.5f);
  EXPECT_EQ(*m.recall, 0.0);
  EXPECT_FALSE(m.precision.has_value());
  EXPECT_EQ(*m.average_precision, 0.0);
}

TEST(EvalDataset, ParsesRowsAndSubsets) {
  const std::string text =
      R"({"path": "eval/v/a.jpg", "split": "eval", "kind": "video", "boxes": [[1, 2, 30, 40.5]], "width": 400, "height": 300, "identity": ["x"]})"
      "\n\n"
      R"({"path": "eval/neg/b.jpg", "split": "eval", "kind": "negative", "boxes": [], "width": 320, "height": 240})"
      "\n";
  const std::vector<DatasetImage> rows = parse_dataset_manifest(text, "m.jsonl");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].subset(), "eval/video");
  ASSERT_EQ(rows[0].boxes.size(), 1u);
  EXPECT_FLOAT_EQ(rows[0].boxes[0].y2, 40.5f);
  EXPECT_EQ(rows[1].subset(), "eval/negative");
  EXPECT_EQ(rows[1].width, 320);
}

TEST(EvalDataset, MalformedLinesNameTheLineAndKey) {
  const std::string good =
      R"({"path": "a.jpg", "split": "eval", "kind": "still", "boxes": [], "width": 4, "height": 3})";
  EXPECT_EQ(what_of([&] {
              parse_dataset_manifest(good + "\n{not json\n", "m.jsonl");
            }).rfind("m.jsonl line 2: not JSON", 0),
            0u);
  EXPECT_EQ(what_of([] {
              parse_dataset_manifest(
                  R"({"path": "a.jpg", "split": "eval", "kind": "still", "width": 4, "height": 3})",
                  "m.jsonl");
            }),
            "m.jsonl line 1: missing key 'boxes'");
  EXPECT_EQ(
      what_of([] {
        parse_dataset_manifest(
            R"({"path": "a.jpg", "split": "eval", "kind": "still", "boxes": [[1, 2, 3]], "width": 4, "height": 3})",
            "m.jsonl");
      }),
      "m.jsonl line 1: a box is not [x1, y1, x2, y2]");
  EXPECT_EQ(
      what_of([] {
        parse_dataset_manifest(
            R"({"path": "a.jpg", "split": "test", "kind": "still", "boxes": [], "width": 4, "height": 3})",
            "m.jsonl");
      }),
      "m.jsonl line 1: split 'test' is not train or eval");
  EXPECT_EQ(
      what_of([] {
        parse_dataset_manifest(
            R"({"path": "a.jpg", "split": "eval", "kind": "still", "boxes": [], "width": "4", "height": 3})",
            "m.jsonl");
      }),
      "m.jsonl line 1: key 'width' has the wrong type");
  EXPECT_EQ(what_of([] {
              read_dataset_manifest("/nonexistent/dataset");
            }).rfind("dataset '/nonexistent/dataset' has no manifest.jsonl", 0),
            0u);
}

TEST(EvalDataset, SelectsSubsetsWithLimit) {
  std::vector<DatasetImage> rows;
  for (const char *kind : {"video", "video", "video", "negative", "still"})
    rows.push_back({std::string("x.jpg"), "eval", kind, {}, 4, 3});
  rows.push_back({std::string("t.jpg"), "train", "video", {}, 4, 3});
  EXPECT_EQ(select_images(rows, "", 0).size(), 5u);
  EXPECT_EQ(select_images(rows, "eval", 2).size(), 4u); // 2 video + 1 negative + 1 still
  EXPECT_EQ(select_images(rows, "eval/video", 0).size(), 3u);
  EXPECT_EQ(select_images(rows, "train", 0).size(), 1u);
  EXPECT_EQ(what_of([&] { select_images(rows, "eval/synthetic", 0); }),
            "no images in subset 'eval/synthetic' (the dataset has: eval/negative, eval/still, "
            "eval/video, train/video)");
}
