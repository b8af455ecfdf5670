// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/detect/decode.h"
#include "core/detect/preprocess.h"
#include "core/model/shape_inference.h"
#include "core/model/zoo.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace rnnpool;

TEST(Priors, FaceM4At320x240Has3000InRowMajorOrder) {
  const auto shapes = infer_shapes(make_rnnpool_face_m4());
  std::vector<Shape> maps;
  for (int k = 0; k < 4; ++k)
    maps.push_back(shapes.at("conf." + std::to_string(k)));
  const auto anchors = face_m4_anchors();
  const std::vector<Prior> p = make_priors(maps, anchors, 320, 240);
  ASSERT_EQ(p.size(), 40u * 30 + 40 * 30 + 20 * 15 + 20 * 15);
  EXPECT_FLOAT_EQ(p[0].cx, 4.0f / 320);
  EXPECT_FLOAT_EQ(p[0].cy, 4.0f / 240);
  EXPECT_FLOAT_EQ(p[0].w, 8.0f / 320);
  EXPECT_FLOAT_EQ(p[0].h, 8.0f / 240);
  EXPECT_FLOAT_EQ(p[1].cx, 12.0f / 320);   // next column
  EXPECT_FLOAT_EQ(p[40].cy, 12.0f / 240);  // next row
  EXPECT_FLOAT_EQ(p[1200].w, 16.0f / 320); // head 2 starts
  EXPECT_FLOAT_EQ(p[2400].cx, 8.0f / 320); // head 3: step 16
  EXPECT_FLOAT_EQ(p[2400].w, 32.0f / 320);
  EXPECT_FLOAT_EQ(p[2999].cy, (14.5f * 16) / 240);
  EXPECT_FLOAT_EQ(p[2999].h, 48.0f / 240);
}

TEST(Decode, HandWorkedExample) {
  // prior centre (0.5, 0.5), size (0.2, 0.1); offsets (1, -2, ln(e)/0.2 -> exp(1), 0)
  const Prior p{0.5f, 0.5f, 0.2f, 0.1f};
  const float d[4] = {1.0f, -2.0f, 5.0f, 0.0f};
  const Box b = decode_box(p, d);
  // cx = 0.5 + 1*0.1*0.2 = 0.52; cy = 0.5 - 2*0.1*0.1 = 0.48; w = 0.2*e; h = 0.1
  const float w = 0.2f * std::exp(1.0f);
  EXPECT_NEAR(b.x1, 0.52f - w / 2, 1e-6);
  EXPECT_NEAR(b.x2, 0.52f + w / 2, 1e-6);
  EXPECT_NEAR(b.y1, 0.43f, 1e-6);
  EXPECT_NEAR(b.y2, 0.53f, 1e-6);
}

TEST(Decode, FaceProbabilityIsSoftmax) {
  EXPECT_FLOAT_EQ(face_probability(0, 0), 0.5f);
  EXPECT_NEAR(face_probability(1, 3), std::exp(3.0) / (std::exp(1.0) + std::exp(3.0)), 1e-6);
}

TEST(Nms, HandWorkedExample) {
  // A and B overlap with IoU 81/119 = 0.68 > 0.3; C overlaps A with IoU 10/190 = 0.05; D is
  // below the score threshold.
  const std::vector<Box> boxes{{0, 0, 10, 10}, {1, 1, 11, 11}, {9, 0, 19, 10}, {50, 50, 60, 60}};
  const std::vector<float> scores{0.9f, 0.95f, 0.6f, 0.04f};
  EXPECT_NEAR(iou(boxes[0], boxes[1]), 81.0 / 119.0, 1e-6);
  const std::vector<std::size_t> kept = nms(boxes, scores, NmsConfig{});
  EXPECT_EQ(kept, (std::vector<std::size_t>{1, 2}));
  NmsConfig one;
  one.keep_top_k = 1;
  EXPECT_EQ(nms(boxes, scores, one), (std::vector<std::size_t>{1}));
  NmsConfig loose;
  loose.iou_threshold = 0.7f;
  EXPECT_EQ(nms(boxes, scores, loose), (std::vector<std::size_t>{1, 0, 2}));
}

TEST(Decode, MaxOutBackgroundOnTheFirstHead) {
  const std::vector<Prior> priors{{0.5f, 0.5f, 0.1f, 0.1f}, {0.2f, 0.2f, 0.1f, 0.1f}};
  const std::vector<float> loc0(4, 0.0f), conf0{0.0f, 3.0f, 1.0f, 2.0f}; // bg max 3, face 2
  const std::vector<float> loc1(4, 0.0f), conf1{0.0f, 2.0f};             // bg 0, face 2
  const std::vector<HeadOutput> heads{{loc0, conf0, 4}, {loc1, conf1, 2}};
  const std::vector<Detection> d = decode_detections(heads, priors, NmsConfig{});
  ASSERT_EQ(d.size(), 2u);
  EXPECT_NEAR(d[0].score, face_probability(0, 2), 1e-6);
  EXPECT_NEAR(d[1].score, face_probability(3, 2), 1e-6);
  EXPECT_NEAR(d[1].x1, 0.45f, 1e-6);
}

TEST(Preprocess, KeepsAspectAtAboutQvgaArea) {
  const PreprocessConfig qvga;
  EXPECT_EQ(preprocessed_shape(640, 480, qvga), (Shape{240, 320, 1}));
  EXPECT_EQ(preprocessed_shape(320, 240, qvga), (Shape{240, 320, 1}));
  const Shape wide = preprocessed_shape(1920, 1080, qvga); // s = sqrt(76800/2073600)
  EXPECT_EQ(wide.w, 370);
  EXPECT_EQ(wide.h, 208);
  EXPECT_EQ(preprocessed_shape(100000, 10, qvga).h, kMinInputSide);
}

TEST(Preprocess, GrayscaleMinusMean) {
  cv::Mat bgr(480, 640, CV_8UC3, cv::Scalar(10, 20, 200)); // B, G, R
  const PreprocessedImage p = preprocess(bgr, PreprocessConfig{});
  EXPECT_EQ(p.original_width, 640);
  EXPECT_EQ(p.input.shape(), (Shape{240, 320, 1}));
  EXPECT_NEAR(p.input.at(100, 100, 0), 0.299f * 200 + 0.587f * 20 + 0.114f * 10 - 117.312f, 1e-3);
  EXPECT_THROW(preprocess(cv::Mat(), PreprocessConfig{}), std::invalid_argument);
  EXPECT_THROW(preprocess(cv::Mat(10, 10, CV_32FC3), PreprocessConfig{}), std::invalid_argument);
}
