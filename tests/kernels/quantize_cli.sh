#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end: a random float model, quantize on calibration images, the emitted C compiles for
# the host and (when present) the Cortex-M4 with -Werror, detect --quantized writes golden vectors,
# and calibrating on the held-out demo data is refused.
# Usage: quantize_cli.sh RNNPOOL_CLI SOURCE_DIR
set -eu
cli=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cli" init-model --random --seed 1 -o "$tmp/m.npz" >/dev/null
mkdir "$tmp/cal"
for i in 1 2 3; do
  { printf 'P5\n320 240\n255\n'; head -c 76800 /dev/urandom; } >"$tmp/cal/$i.pgm"
done
"$cli" quantize --model "$tmp/m.npz" --calibration "$tmp/cal" --output "$tmp/q.json" \
  --emit-c "$tmp/c" --report md >"$tmp/report.md"
grep -q '| rnn_model | int8 |' "$tmp/report.md"
grep -q 'RP_MODEL_DIGEST 0x' "$tmp/c/rp_model_data.h"
cc -std=c99 -Wall -Wextra -Werror -I"$src" -I"$tmp/c" -c "$tmp/c/rp_model_data.c" -o "$tmp/m.o"
if command -v arm-none-eabi-gcc >/dev/null 2>&1; then
  arm-none-eabi-gcc -std=c99 -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard -O2 \
    -Wall -Wextra -Werror -I"$src" -I"$tmp/c" -c "$tmp/c/rp_model_data.c" -o "$tmp/m_arm.o"
  arm-none-eabi-size "$tmp/m_arm.o"
fi
"$cli" detect --quantized "$tmp/q.json" --golden "$tmp/g" "$tmp/cal/1.pgm" >/dev/null
test -s "$tmp/g/1/layers.json"
test "$(wc -c <"$tmp/g/1/frame.u8")" -eq 76800
test "$(wc -c <"$tmp/g/1/01_rnn_model.bin")" -eq $((29 * 39 * 64))
if "$cli" quantize --model "$tmp/m.npz" --calibration "$src/data/demo" --output "$tmp/x.json" \
  2>"$tmp/err"; then
  echo "FAIL: calibration on data/demo was accepted"
  exit 1
fi
grep -q 'held-out' "$tmp/err"
echo "quantize CLI: ok"
