// SPDX-License-Identifier: GPL-3.0-or-later
// Flasher command lines, progress parsing of recorded tool output, and the errors for a missing
// or failing tool. The real tools and boards are not needed: failing runs use /bin/false and a
// shell script standing in for the tool.
#include "firmware_bridge/host/qemu_flasher.h"
#include "firmware_bridge/host/tool_flashers.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace rnnpool::bridge;

namespace {

FlashOptions boardOptions() {
  FlashOptions o;
  o.elf = "/fw/rnnpool-fw-nucleo-f439zi.elf";
  o.port = "/dev/ttyACM0";
  return o;
}

// Feeds recorded output through parseLine; returns the progress values in order.
QList<int> replay(ToolFlasher &f, const QStringList &lines) {
  QList<int> out;
  for (const QString &line : lines)
    if (auto p = f.parseLine(line)) out.append(p->permille);
  return out;
}

bool nonDecreasingWithin(const QList<int> &values) {
  for (qsizetype i = 0; i < values.size(); ++i) {
    if (values[i] < 0 || values[i] > 1000) return false;
    if (i > 0 && values[i] < values[i - 1]) return false;
  }
  return true;
}

} // namespace

class TestFlashers : public QObject {
  Q_OBJECT
private slots:
  void commandLines() {
    StFlashFlasher st(boardOptions(), nullptr);
    QCOMPARE(st.program(), QString("st-flash"));
    QCOMPARE(st.arguments(),
             (QStringList{"--reset", "write", "/fw/rnnpool-fw-nucleo-f439zi.bin", "0x08000000"}));
    OpenOcdFlasher ocd(boardOptions(), nullptr);
    QCOMPARE(ocd.arguments(),
             (QStringList{"-f", "interface/stlink.cfg", "-f", "target/stm32f4x.cfg", "-c",
                          "program /fw/rnnpool-fw-nucleo-f439zi.elf verify reset exit"}));
    FlashOptions withBin = boardOptions();
    withBin.bin = "/other/image.bin";
    DfuUtilFlasher dfu(withBin, nullptr);
    QCOMPARE(dfu.arguments(), (QStringList{"-a", "0", "-d", "0483:df11", "-s", "0x08000000:leave",
                                           "-D", "/other/image.bin"}));
    QCOMPARE(st.port(), QString("/dev/ttyACM0"));

    FlashOptions q;
    q.elf = "/fw/qemu.elf";
    q.qemuName = "marker-1";
    QemuFlasher qemu(q);
    QCOMPARE(qemu.program(), QString("qemu-system-arm"));
    QCOMPARE(qemu.arguments(),
             (QStringList{"-M", "netduinoplus2", "-nographic", "-monitor", "none", "-serial", "pty",
                          "-icount", "shift=3", "-kernel", "/fw/qemu.elf", "-name", "marker-1"}));
  }

  void stFlashProgressFromRecordedOutput() {
    StFlashFlasher st(boardOptions(), nullptr);
    const QStringList recorded = {
        "st-flash 1.7.0",
        "2024-03-02T10:11:12 INFO common.c: F4xx: 192 KiB SRAM, 1024 KiB flash in at least 16 "
        "KiB pages.",
        "file rnnpool-fw-nucleo-f439zi.bin md5 checksum: 5d41402abc4b2a76b9719d911017c592, "
        "stlink checksum: 0x0023b4f1",
        "2024-03-02T10:11:12 INFO common.c: Attempting to write 40960 (0xa000) bytes to stm32 "
        "address: 134217728 (0x8000000)",
        "EraseFlash - Sector:0x0 Size:0x4000 2024-03-02T10:11:12 INFO common.c: Flash page at "
        "addr: 0x08000000 erased",
        "2024-03-02T10:11:13 INFO common.c: Finished erasing 3 pages of 16384 (0x4000) bytes",
        "2024-03-02T10:11:13 INFO common.c: Starting Flash write for F2/F4/F7/L4",
        "2024-03-02T10:11:13 INFO flash_loader.c: Successfully loaded flash loader in sram",
        "enabling 32-bit flash writes",
        "size: 32768",
        "size: 8192",
        "2024-03-02T10:11:14 INFO common.c: Starting verification of write complete",
        "2024-03-02T10:11:14 INFO common.c: Flash written and verified! jolly good!"};
    const QList<int> p = replay(st, recorded);
    QVERIFY2(nonDecreasingWithin(p), qPrintable(QString::number(p.size())));
    QCOMPARE(p, (QList<int>{50, 150, 300, 780, 900, 900, 980}));
  }

  void openOcdProgressFromRecordedOutput() {
    OpenOcdFlasher ocd(boardOptions(), nullptr);
    const QStringList recorded = {"Open On-Chip Debugger 0.12.0",
                                  "Info : STLINK V2J37M26 (API v2) VID:PID 0483:374B",
                                  "Info : Target voltage: 3.254902",
                                  "Info : [stm32f4x.cpu] Cortex-M4 r0p1 processor detected",
                                  "target halted due to debug-request, current mode: Thread",
                                  "** Programming Started **",
                                  "Info : device id = 0x20016419",
                                  "Info : flash size = 2048 KiB",
                                  "** Programming Finished **",
                                  "** Verify Started **",
                                  "** Verified OK **",
                                  "** Resetting Target **",
                                  "shutdown command invoked"};
    QCOMPARE(replay(ocd, recorded), (QList<int>{50, 100, 700, 750, 950, 980}));
  }

  void dfuUtilProgressFromRecordedOutput() {
    DfuUtilFlasher dfu(boardOptions(), nullptr);
    const QStringList recorded = {"dfu-util 0.11",
                                  "Opening DFU capable USB device...",
                                  "Device ID 0483:df11",
                                  "Downloading element to address = 0x08000000, size = 40960",
                                  "Erase   \t[=========                ]  36%        14848 bytes",
                                  "Erase   \t[=========================] 100%        40960 bytes",
                                  "Erase    done.",
                                  "Download\t[============             ]  48%        19456 bytes",
                                  "Download\t[=========================] 100%        40960 bytes",
                                  "Download done.",
                                  "File downloaded successfully",
                                  "Submitting leave request..."};
    const QList<int> p = replay(dfu, recorded);
    QCOMPARE(p, (QList<int>{10, 40, 158, 350, 638, 950, 970}));
  }

  void missingToolIsAClearError() {
    FlashOptions o = boardOptions();
    o.tool = "rnnpool-no-such-st-flash";
    StFlashFlasher st(o, nullptr);
    st.start();
    QVERIFY(st.isFinished());
    QVERIFY(!st.succeeded());
    QVERIFY2(st.errorMessage().contains("rnnpool-no-such-st-flash") &&
                 st.errorMessage().contains("not found") &&
                 st.errorMessage().contains("stlink-tools"),
             qPrintable(st.errorMessage()));
  }

  void failingToolReportsExitCodeAndLastLines() {
    QTemporaryDir dir;
    const QString script = dir.filePath("fake-dfu-util");
    QFile f(script);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("#!/bin/sh\necho 'dfu-util 0.11'\necho 'Opening DFU capable USB device...'\n"
            "echo 'dfu-util: No DFU capable USB device available' >&2\nexit 74\n");
    f.close();
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    FlashOptions o = boardOptions();
    o.tool = script;
    DfuUtilFlasher dfu(o, nullptr);
    QSignalSpy lines(&dfu, &Flasher::outputLine);
    dfu.start();
    QVERIFY(!dfu.waitForFinished(10000));
    QVERIFY(dfu.isFinished());
    QVERIFY2(dfu.errorMessage().contains("exit code 74") &&
                 dfu.errorMessage().contains("No DFU capable USB device"),
             qPrintable(dfu.errorMessage()));
    QCOMPARE(lines.count(), 3);
  }

  void succeedingToolReachesFullProgress() {
    FlashOptions o = boardOptions();
    o.tool = "/bin/true";
    OpenOcdFlasher ocd(o, nullptr);
    QSignalSpy progress(&ocd, &Flasher::progress);
    ocd.start();
    QVERIFY(ocd.waitForFinished(10000));
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().at(0).toInt(), 1000);
  }

  void qemuWithoutElfOrBinaryIsAClearError() {
    FlashOptions o;
    o.elf = "/nonexistent/fw.elf";
    QemuFlasher missingElf(o);
    missingElf.start();
    QVERIFY(missingElf.isFinished() && !missingElf.succeeded());
    QVERIFY2(missingElf.errorMessage().contains("/nonexistent/fw.elf"),
             qPrintable(missingElf.errorMessage()));

    QTemporaryDir dir;
    QFile elf(dir.filePath("fw.elf"));
    QVERIFY(elf.open(QIODevice::WriteOnly));
    elf.close();
    o.elf = elf.fileName();
    o.tool = "rnnpool-no-such-qemu";
    QemuFlasher missingQemu(o);
    missingQemu.start();
    QVERIFY(missingQemu.isFinished() && !missingQemu.succeeded());
    QVERIFY2(missingQemu.errorMessage().contains("rnnpool-no-such-qemu"),
             qPrintable(missingQemu.errorMessage()));
  }
};

QTEST_GUILESS_MAIN(TestFlashers)
#include "tst_flashers.moc"
