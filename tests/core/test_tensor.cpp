// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/tensor/tensor.h"

#include <gtest/gtest.h>

using rnnpool::Shape;
using rnnpool::Tensor;

TEST(Tensor, IsChannelsLast) {
  Tensor t(Shape{2, 3, 4});
  t.at(1, 2, 3) = 7.0f;
  EXPECT_EQ(t.data()[(1 * 3 + 2) * 4 + 3], 7.0f);
  EXPECT_EQ(t.pixel(1, 2)[3], 7.0f);
  EXPECT_EQ(t.size(), 24u);
}

TEST(Tensor, PrintsWidthByHeightByChannels) {
  EXPECT_EQ((Shape{120, 160, 4}).to_string(), "160x120x4");
}
