#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Per-function instruction profile of the firmware under QEMU.

Runs `rnnpool-cli device run --qemu` with QEMU's translation-block log (-d in_asm,exec,nochain)
streamed through a FIFO, attributes each executed block's instruction count to the function
that contains it (arm-none-eabi-nm) and prints the functions by instructions. The totals include
the UART and protocol code around the frame (the firmware's own per-layer counts exclude the
upload waiting); use them to see where a layer's instructions go, not as the frame count.
The log slows QEMU several times over, so the link may time out and retry (or give up on a
request: then run it again).

  tools/firmware/qemu_profile.py [--cli build/app/rnnpool-cli] [--elf ELF] [--top 40] [-- ARGS]
ARGS go to `device run` (default: --frames 1 demo).
"""
import argparse, bisect, collections, os, re, stat, subprocess, sys, tempfile, threading

TRACE = re.compile(r'^Trace \d+: (0x[0-9a-f]+) \[[0-9a-f]+/([0-9a-f]+)/')
INSN = re.compile(r'^0x([0-9a-f]+):\s')


def count(fifo, out):
    """Instructions per block start address: each 'IN:' translation is followed by the first
    'Trace' of that block, whose host address then names the block's size."""
    size_of, instr = {}, collections.Counter()
    pending, n, first = False, 0, None
    with open(fifo, errors='replace') as f:
        for line in f:
            if line.startswith('Trace'):
                m = TRACE.match(line)
                if not m:
                    continue
                host, pc = m.group(1), int(m.group(2), 16)
                if pending and first == pc:
                    size_of[host] = n
                pending = False
                instr[pc] += size_of.get(host, 0)
            elif line.startswith('IN:'):
                pending, n, first = True, 0, None
            elif pending and line.startswith('0x'):
                m = INSN.match(line)
                if m:
                    first = int(m.group(1), 16) if first is None else first
                    n += 1
    out.update(instr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--cli', default='build/app/rnnpool-cli')
    ap.add_argument('--elf', default='build/firmware/rnnpool-fw-qemu-netduinoplus2.elf')
    ap.add_argument('--top', type=int, default=40)
    ap.add_argument('args', nargs='*', default=['--frames', '1', 'demo'])
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fifo = os.path.join(tmp, 'tb.log')
        os.mkfifo(fifo)
        wrapper = os.path.join(tmp, 'qemu-system-arm')
        with open(wrapper, 'w') as w:
            w.write('#!/bin/sh\nexec /usr/bin/qemu-system-arm "$@" -d in_asm,exec,nochain -D %s\n'
                    % fifo)
        os.chmod(wrapper, stat.S_IRWXU)
        instr = collections.Counter()
        reader = threading.Thread(target=count, args=(fifo, instr))
        reader.start()
        env = dict(os.environ, PATH=tmp + os.pathsep + os.environ.get('PATH', ''))
        run = subprocess.run([a.cli, 'device', 'run', '--qemu'] + a.args, env=env)
        reader.join()
    syms = []
    nm = subprocess.run(['arm-none-eabi-nm', '-n', a.elf], capture_output=True, text=True,
                        check=True).stdout
    for line in nm.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in 'tTW':
            syms.append((int(p[0], 16), p[2]))
    addrs = [s[0] for s in syms]
    per = collections.Counter()
    for pc, n in instr.items():
        i = bisect.bisect_right(addrs, pc & ~1) - 1
        per[syms[i][1] if i >= 0 else '?'] += n
    print('%.2f M instructions in all (frame and link)' % (sum(per.values()) / 1e6))
    for name, n in per.most_common(a.top):
        print('%9.2f M  %s' % (n / 1e6, name))
    return run.returncode


if __name__ == '__main__':
    sys.exit(main())
