// SPDX-License-Identifier: GPL-3.0-or-later
// rnnpool-cli device flash --backend qemu|st-flash|openocd|dfu-util [--port P] [--elf F]
// rnnpool-cli device run (--qemu | --port P) [IMAGE_OR_VIDEO|demo] [--frames N] [--json]
//                        [--quantized Q.json]
// Flashes the firmware, or runs frames on the device and compares every layer digest and the
// detections with the host's bit-exact run of the same quantized model.
#include "app/cli/command.h"
#include "core/capture/frame_source.h"
#include "firmware_bridge/host/device_link.h"
#include "firmware_bridge/host/device_session.h"
#include "firmware_bridge/host/firmware_paths.h"
#include "firmware_bridge/host/flasher.h"
#include "firmware_bridge/host/frame_comparison.h"
#include "firmware_bridge/host/qemu_flasher.h"
#include "firmware_bridge/host/quantized_host_reference.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTimer>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace rnnpool::cli {
namespace {

using namespace rnnpool::bridge;

std::atomic<bool> g_interrupted{false};

// Qt needs an application object for its event loop; the device commands create their own.
struct QtApp {
  int argc = 1;
  char name[12] = "rnnpool-cli";
  char *argv[2] = {name, nullptr};
  std::unique_ptr<QCoreApplication> app;
  QtApp() {
    if (!QCoreApplication::instance()) app = std::make_unique<QCoreApplication>(argc, argv);
  }
};

struct FlashOptionsCli {
  std::string backend;
  std::string port, elf, bin, tool, qemuName;
  double seconds = 0; // qemu: how long to keep it running (0: until Ctrl-C)
};

int runFlash(const FlashOptionsCli &opt) {
  QtApp qt;
  FlashOptions fo;
  fo.elf = QString::fromStdString(opt.elf.empty() ? defaultQemuElf().toStdString() : opt.elf);
  if (opt.elf.empty() && opt.backend != "qemu") {
    // The board image: the nucleo ELF next to the QEMU one.
    fo.elf = QFileInfo(fo.elf).path() + "/rnnpool-fw-nucleo-f439zi.elf";
  }
  fo.bin = QString::fromStdString(opt.bin);
  fo.port = QString::fromStdString(opt.port);
  fo.tool = QString::fromStdString(opt.tool);
  fo.qemuName = QString::fromStdString(opt.qemuName);
  auto flasher = makeFlasher(QString::fromStdString(opt.backend), fo);
  if (!flasher) {
    std::cerr << "rnnpool-cli: unknown flash backend '" << opt.backend << "'\n";
    return 1;
  }
  QObject::connect(flasher.get(), &Flasher::progress, [](int permille, const QString &message) {
    std::fprintf(stderr, "[%5.1f%%] %s\n", permille / 10.0, qPrintable(message));
  });
  QObject::connect(flasher.get(), &Flasher::outputLine,
                   [](const QString &line) { std::fprintf(stderr, "  | %s\n", qPrintable(line)); });
  flasher->start();
  if (!flasher->waitForFinished(opt.backend == "qemu" ? 20000 : 300000)) {
    const QString why =
        flasher->isFinished()
            ? flasher->errorMessage()
            : QString("%1 did not finish in time").arg(QString::fromStdString(opt.backend));
    std::cerr << "rnnpool-cli: " << why.toStdString() << '\n';
    return 1;
  }
  if (opt.backend != "qemu") {
    std::cout << "flashed with " << opt.backend << '\n';
    return 0;
  }
  // QEMU lives as long as this command: say where its UART is and wait.
  std::cout << "QEMU running, UART on " << flasher->port().toStdString()
            << (opt.seconds > 0 ? "" : "; Ctrl-C to stop") << std::endl;
  std::signal(SIGINT, [](int) { g_interrupted = true; });
  std::signal(SIGTERM, [](int) { g_interrupted = true; });
  auto *qemu = static_cast<QemuFlasher *>(flasher.get());
  QTimer poll;
  QObject::connect(&poll, &QTimer::timeout, [&] {
    if (g_interrupted || !qemu->isRunning()) QCoreApplication::quit();
  });
  poll.start(100);
  if (opt.seconds > 0)
    QTimer::singleShot(static_cast<int>(opt.seconds * 1000), [] { QCoreApplication::quit(); });
  QCoreApplication::exec();
  const bool died = !qemu->isRunning();
  qemu->stop();
  if (died) {
    std::cerr << "rnnpool-cli: QEMU exited: " << qemu->output().trimmed().toStdString() << '\n';
    return 1;
  }
  return 0;
}

struct RunOptionsCli {
  bool qemu = false;
  std::string port, elf, qemuName;
  std::string quantized; // the model the firmware was built from (default: this build's)
  std::string input = "demo";
  int frames = 3;
  std::string size = "320x240";
  bool json = false;
  bool tensors = false;
  int chunk = 2040;
};

// Reads up to `count` frames of the input (an image repeats), gray and resized.
std::vector<cv::Mat> loadFrames(const std::string &input, int count, cv::Size size) {
  std::string path = input;
  if (input == "demo") {
    auto demo = demo_clip_path();
    if (!demo) throw std::runtime_error("demo clip not found (run scripts/setup)");
    path = *demo;
  }
  if (!QFileInfo::exists(QString::fromStdString(path)))
    throw std::runtime_error("input not found: " + path);
  std::vector<cv::Mat> out;
  auto add = [&](const cv::Mat &bgr) {
    cv::Mat gray, resized;
    if (bgr.channels() == 1)
      gray = bgr;
    else
      cv::cvtColor(bgr, gray, bgr.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    cv::resize(gray, resized, size, 0, 0, cv::INTER_AREA);
    out.push_back(resized);
  };
  if (cv::haveImageReader(path)) {
    const cv::Mat image = cv::imread(path, cv::IMREAD_UNCHANGED);
    if (!image.empty()) {
      for (int i = 0; i < count; ++i)
        add(image);
      return out;
    }
  }
  cv::VideoCapture video(path);
  if (!video.isOpened()) throw std::runtime_error("cannot decode '" + path + "' as image or video");
  cv::Mat frame;
  while (static_cast<int>(out.size()) < count && video.read(frame))
    add(frame);
  if (out.empty()) throw std::runtime_error("no frames in '" + path + "'");
  return out;
}

cv::Size parseSize(const std::string &text) {
  int w = 0, h = 0;
  char x = 0, extra = 0;
  // 15x15: the smallest frame whose RNNPool gives one output; 320 pixels: the firmware's arena
  // is planned for 320-pixel rows.
  if (std::sscanf(text.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || x != 'x' || w < 15 ||
      h < 15 || w > 320 || h > 240)
    throw std::runtime_error("--size '" + text + "' must be WxH from 15x15 to 320x240");
  return {w, h};
}

int runDevice(const RunOptionsCli &opt) {
  QtApp qt;
  const cv::Size size = parseSize(opt.size);
  const std::vector<cv::Mat> frames = loadFrames(opt.input, opt.frames, size);
  std::ostream &log = opt.json ? std::cerr : std::cout;
  // Loaded before the device is touched: a missing or corrupt model is the first error.
  QuantizedHostReference reference(
      opt.quantized.empty() ? defaultFirmwareQuantizedModel().toStdString() : opt.quantized);

  std::unique_ptr<QemuFlasher> qemu; // declared before the link: the link closes first
  QString port = QString::fromStdString(opt.port);
  if (opt.qemu) {
    FlashOptions fo;
    fo.elf = opt.elf.empty() ? defaultQemuElf() : QString::fromStdString(opt.elf);
    fo.qemuName = QString::fromStdString(opt.qemuName);
    qemu = std::make_unique<QemuFlasher>(fo);
    qemu->start();
    if (!qemu->waitForFinished(20000))
      throw std::runtime_error(qemu->isFinished() ? qemu->errorMessage().toStdString()
                                                  : "QEMU did not start in 20 s");
    port = qemu->port();
    log << "QEMU running, UART on " << port.toStdString() << '\n';
  }
  DeviceLink link;
  link.open(port);
  // QEMU boots in about a second; a loaded machine can take several times longer.
  if (!link.waitForState(LinkState::Connected, 30000))
    throw std::runtime_error("device on " + port.toStdString() +
                             " not connected: " + link.stateMessage().toStdString());
  SessionOptions so;
  so.chunkBytes = opt.chunk;
  DeviceSession session(link, so);
  DeviceInfo info;
  try {
    info = session.handshake(reference.modelDigest());
  } catch (const DeviceError &e) {
    if (e.kind() != DeviceError::Kind::DigestMismatch) throw;
    throw std::runtime_error(std::string(e.what()) + " (host model: " + reference.path() +
                             "; give --quantized with the model the firmware was built from)");
  }
  log << "device: firmware " << info.firmwareVersion << " on " << info.board << ", "
      << info.clockHz / 1000000 << " MHz, arena " << info.arenaSize << " bytes, model digest "
      << hex32(info.modelDigest) << "; host: " << reference.description() << '\n';

  std::vector<FrameComparison> compared;
  FrameResult last;
  bool deviceKeepsTensors = true; // until it answers NOT_AVAILABLE
  for (const cv::Mat &gray : frames) {
    const HostRun host = reference.run(gray);
    GrayFrame frame{gray.cols, gray.rows, std::vector<uint8_t>(gray.total())};
    for (int y = 0; y < gray.rows; ++y)
      std::copy(gray.ptr<uint8_t>(y), gray.ptr<uint8_t>(y) + gray.cols,
                frame.pixels.begin() + static_cast<std::ptrdiff_t>(y) * gray.cols);
    last = session.runFrame(frame);
    std::vector<std::optional<LayerTensor>> tensors(last.digests.size());
    for (std::size_t i = 0; i < last.digests.size(); ++i) {
      // A tensor is read back only with --tensors or when the digests differ, and only from a
      // device that keeps them (the streaming firmware never holds a layer whole).
      const bool differs = i >= host.layers.size() || host.layers[i].crc != last.digests[i].crc;
      if (!deviceKeepsTensors || (!opt.tensors && !differs)) continue;
      try {
        tensors[i] = session.fetchLayerTensor(static_cast<int>(i));
      } catch (const DeviceError &e) {
        if (e.kind() != DeviceError::Kind::Rejected) throw;
        log << "  " << e.what() << '\n';
        if (e.deviceCode() == RNNPOOL_ERR_NOT_AVAILABLE) {
          log << "  the device keeps no layer tensors: bit-exactness from the digests only\n";
          deviceKeepsTensors = false;
        }
      }
    }
    compared.push_back(compareFrame(host, last, tensors, reference));
    log << toLine(compared.back()) << '\n';
  }
  const RunSummary summary =
      summarize(compared, last, info, reference.madds(size.width, size.height),
                reference.plannedArenaBytes(size.width, size.height));
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "summary: %zu/%zu frames bit-exact; round trip %.1f ms mean (min %.1f, max %.1f, "
                "std %.1f); device %.0f %s/frame mean (%.2f per MAdd); peak RAM %llu bytes "
                "(arena high water %llu, planned arena %llu)",
                summary.bitExactFrames, summary.frames, summary.roundTripMs.mean,
                summary.roundTripMs.min, summary.roundTripMs.max, summary.roundTripMs.std,
                summary.deviceTime.mean, summary.timeUnit.c_str(), summary.timePerMadd.value_or(0),
                static_cast<unsigned long long>(summary.peakRamBytes),
                static_cast<unsigned long long>(summary.arenaHighWater),
                static_cast<unsigned long long>(summary.plannedArenaBytes));
  log << buf << '\n';
  const LinkStats ls = link.stats();
  log << "link: " << ls.requests << " requests, " << ls.retries << " retries, " << ls.timeouts
      << " timeouts, " << ls.crcErrors << " CRC errors, " << ls.deviceRejects << " device rejects, "
      << ls.bytesSent << " bytes sent, " << ls.bytesReceived << " received\n";
  if (opt.json) {
    nlohmann::json report = toJson(summary, compared, info);
    report["link"] = {{"requests", ls.requests},
                      {"retries", ls.retries},
                      {"timeouts", ls.timeouts},
                      {"crc_errors", ls.crcErrors},
                      {"device_rejects", ls.deviceRejects},
                      {"bytes_sent", ls.bytesSent},
                      {"bytes_received", ls.bytesReceived}};
    std::cout << report.dump(2) << '\n';
  }
  return summary.bitExactFrames == summary.frames ? 0 : 2;
}

int guarded(const std::function<int()> &body) {
  try {
    return body();
  } catch (const std::exception &e) {
    std::cerr << "rnnpool-cli: " << e.what() << '\n';
    return 1;
  }
}

const RegisterCommand reg{[](CLI::App &app, int &exit_code) {
  CLI::App *device = app.add_subcommand("device", "Flash and drive the RNNPool firmware");
  device->require_subcommand(1);

  auto flash = std::make_shared<FlashOptionsCli>();
  CLI::App *f = device->add_subcommand("flash", "Flash the firmware (or start it under QEMU)");
  f->add_option("--backend", flash->backend, "qemu, st-flash, openocd or dfu-util")
      ->required()
      ->check(CLI::IsMember({"qemu", "st-flash", "openocd", "dfu-util"}));
  f->add_option("--port", flash->port, "Serial port of the board's UART (reported back)");
  f->add_option("--elf", flash->elf, "Firmware ELF (default: this build's image)");
  f->add_option("--bin", flash->bin, "Raw image for st-flash/dfu-util (default: ELF as .bin)");
  f->add_option("--tool", flash->tool, "Path of the flashing tool");
  f->add_option("--seconds", flash->seconds, "qemu: stop after this many seconds");
  f->add_option("--qemu-name", flash->qemuName, "qemu: -name tag (lets test suites find it)");
  f->callback([flash, &exit_code] { exit_code = guarded([&] { return runFlash(*flash); }); });

  auto run = std::make_shared<RunOptionsCli>();
  CLI::App *r = device->add_subcommand("run", "Run frames on the device and compare with the host");
  auto *q = r->add_flag("--qemu", run->qemu, "Start the firmware under QEMU");
  auto *p = r->add_option("--port", run->port, "Serial port of a flashed board");
  q->excludes(p);
  r->add_option("--elf", run->elf, "Firmware ELF for --qemu (default: this build's image)");
  r->add_option("--qemu-name", run->qemuName, "QEMU -name tag (lets test suites find it)");
  r->add_option("input", run->input, "Image or video file, or 'demo' (default)");
  r->add_option("--frames", run->frames, "Frames to run (an image repeats)")
      ->check(CLI::Range(1, 100000));
  r->add_option("--size", run->size, "Model input size WxH (default 320x240)");
  r->add_option("--chunk", run->chunk, "Pixel bytes per upload chunk")->check(CLI::Range(1, 4088));
  r->add_option("--quantized", run->quantized,
                "Quantized model the firmware was built from (default: this build's "
                "RNNPOOL_FIRMWARE_QMODEL)");
  r->add_flag("--tensors", run->tensors,
              "Ask for every layer's tensor for element metrics (a streaming device has none)");
  r->add_flag("--json", run->json, "Print the report as JSON");
  r->callback([run, &exit_code] {
    exit_code = guarded([&]() -> int {
      if (!run->qemu && run->port.empty()) throw std::runtime_error("give --qemu or --port P");
      return runDevice(*run);
    });
  });
}};

} // namespace
} // namespace rnnpool::cli
