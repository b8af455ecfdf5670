// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/model/shape_inference.h"
#include "core/model/zoo.h"

#include <gtest/gtest.h>

using namespace rnnpool;

TEST(ZooFaceM4, ShapesMatchSpecSection2) {
  const auto shapes = infer_shapes(make_rnnpool_face_m4());
  EXPECT_EQ(shapes.at("conv").to_string(), "160x120x4");
  EXPECT_EQ(shapes.at("rnn_model").to_string(), "39x29x64");
  EXPECT_EQ(shapes.at("rnn_pad").to_string(), "40x30x64");
  EXPECT_EQ(shapes.at("mob.0.project").to_string(), "40x30x32");
  EXPECT_EQ(shapes.at("mob.1.add").to_string(), "40x30x32");
  EXPECT_EQ(shapes.at("mob.2.project").to_string(), "20x15x64");
  EXPECT_EQ(shapes.at("mob.3.add").to_string(), "20x15x64");
  EXPECT_EQ(shapes.at("conf.0").to_string(), "40x30x4");
  EXPECT_EQ(shapes.at("conf.3").to_string(), "20x15x2");
}

TEST(ZooFaceM4, UnknownNameListsKnownOnes) {
  try {
    make_zoo_model("resnet");
    FAIL();
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("rnnpool-face-m4"), std::string::npos);
  }
}

TEST(Zoo, EveryNameBuildsAConsistentGraph) {
  for (const std::string &name : zoo_model_names()) {
    const Graph g = make_zoo_model(name);
    EXPECT_EQ(g.architecture, name);
    EXPECT_NO_THROW(infer_shapes(g)) << name;
  }
}
