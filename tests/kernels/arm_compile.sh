#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Compiles every core/kernels/*.c for the Cortex-M4F with -Werror and prints arm-none-eabi-size.
# Usage: arm_compile.sh SOURCE_DIR OUT_DIR. Exits 77 (CTest: skipped) without the cross compiler.
set -eu
src_dir=$1
out_dir=$2
if ! command -v arm-none-eabi-gcc >/dev/null 2>&1; then
  echo "SKIP: arm-none-eabi-gcc not found; the Cortex-M4 compile check did not run"
  exit 77
fi
mkdir -p "$out_dir"
objects=""
for src in "$src_dir"/core/kernels/*.c; do
  obj="$out_dir/$(basename "$src" .c).o"
  arm-none-eabi-gcc -std=c99 -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard -O2 \
    -Wall -Wextra -Werror -I"$src_dir" -c "$src" -o "$obj"
  objects="$objects $obj"
done
# The DSP path must really be in the objects, not silently compiled out.
if ! arm-none-eabi-objdump -d $objects | grep -q smlad; then
  echo "FAIL: no SMLAD instruction in the Cortex-M4 objects (DSP path not compiled)"
  exit 1
fi
if command -v arm-none-eabi-size >/dev/null 2>&1; then
  # shellcheck disable=SC2086
  arm-none-eabi-size -t $objects
fi
