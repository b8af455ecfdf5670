#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Regenerates tests/data/demo_golden: the bundled quantized model's per-layer raw integer outputs
# (golden vectors) on named frames of the demo clip (scripts/fetch-demo), which
# tests/kernels/test_demo_golden.cpp and the firmware's QEMU test compare against.
# Run after re-quantizing resources/models/rnnpool-face-m4.q.json.
# Usage: tools/golden/make_demo_golden.sh [BUILD_DIR]   (default: build)
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-"$src/build"}
cli="$build/app/rnnpool-cli"
frames=250,750
out="$src/tests/data/demo_golden"
[ -x "$cli" ] || { echo "no $cli: build first (scripts/build)" >&2; exit 1; }
[ -f "$src/data/demo/demo.mp4" ] || { echo "no data/demo/demo.mp4: run scripts/fetch-demo" >&2; exit 1; }
rm -rf "$out.tmp"
"$cli" detect --quantized "$src/resources/models/rnnpool-face-m4.q.json" \
  --video "$src/data/demo/demo.mp4" --frames "$frames" --golden "$out.tmp"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "wrote $out (frames $frames)"
