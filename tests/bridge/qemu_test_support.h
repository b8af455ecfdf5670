// SPDX-License-Identifier: GPL-3.0-or-later
// What the bridge's QEMU tests share: the firmware path, a QemuFlasher tagged with this suite's
// marker (so the orphan check can find strays), test frames, and the host's bit-exact run of
// the quantized model the firmware was built from.
#pragma once

#include "firmware_bridge/host/device_session.h"
#include "firmware_bridge/host/firmware_paths.h"
#include "firmware_bridge/host/frame_comparison.h"
#include "firmware_bridge/host/qemu_flasher.h"
#include "firmware_bridge/host/quantized_host_reference.h"

#include <QString>
#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <stdexcept>

namespace rnnpool::bridge::test {

inline QString suiteMarker() {
  return QStringLiteral(RNNPOOL_BRIDGE_TEST_MARKER);
}

// Starts the QEMU firmware; throws with QEMU's message when it does not come up.
inline std::unique_ptr<QemuFlasher> startQemu() {
  FlashOptions options;
  options.elf = QStringLiteral(RNNPOOL_FIRMWARE_QEMU_ELF);
  options.qemuName = suiteMarker();
  auto qemu = std::make_unique<QemuFlasher>(options);
  qemu->start();
  if (!qemu->waitForFinished(20000))
    throw std::runtime_error("QEMU did not start: " + qemu->errorMessage().toStdString());
  return qemu;
}

// The model the firmware image was generated from (RNNPOOL_FIRMWARE_QMODEL).
inline std::unique_ptr<QuantizedHostReference> firmwareReference() {
  return std::make_unique<QuantizedHostReference>(defaultFirmwareQuantizedModel().toStdString());
}

// A smooth textured frame (uniform random pixels would saturate the first conv alike).
inline GrayFrame texturedFrame(int w, int h, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  const float fx = 0.05f + 0.2f * u(rng), fy = 0.05f + 0.2f * u(rng), ph = 6.0f * u(rng);
  GrayFrame f{w, h, std::vector<uint8_t>(static_cast<size_t>(w) * static_cast<size_t>(h))};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float v =
          128.0f + 90.0f * std::sin(fx * x + ph) * std::cos(fy * y) + 20.0f * (u(rng) - 0.5f);
      f.pixels[static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x)] =
          static_cast<uint8_t>(std::clamp(std::round(v), 0.0f, 255.0f));
    }
  return f;
}

inline HostRun hostRun(HostReference &reference, const GrayFrame &frame) {
  const cv::Mat gray(frame.height, frame.width, CV_8UC1,
                     const_cast<uint8_t *>(frame.pixels.data()));
  return reference.run(gray);
}

// Device against host: every layer digest and the detections (digests only, no tensors).
inline FrameComparison compareWithHost(HostReference &reference, const GrayFrame &frame,
                                       const FrameResult &device) {
  return compareFrame(hostRun(reference, frame), device, {}, reference);
}

} // namespace rnnpool::bridge::test
