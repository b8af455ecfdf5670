// SPDX-License-Identifier: GPL-3.0-or-later
// The processor used while no model is loaded: frames flow to the live view unchanged, with no
// boxes, so the window is still useful (and honest) without a detector.
#pragma once

#include "widgets/pipeline/frame_result.h"

namespace rnnpool {

class PassThroughProcessor : public FrameProcessor {
public:
  FrameResult process(const cv::Mat &frame, float) override {
    FrameResult result;
    result.frame = frame;
    return result;
  }
};

} // namespace rnnpool
