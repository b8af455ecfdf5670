// SPDX-License-Identifier: GPL-3.0-or-later
// make_other_model IN.q.json OUT.q.json: writes a copy of a quantized model with one bias changed
// (a valid model file with another digest), for the CLI test that the handshake refuses a host
// model the firmware was not built from.
#include "core/quant/quantized_model_file.h"

#include <cstdio>
#include <exception>

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: make_other_model IN.q.json OUT.q.json\n");
    return 1;
  }
  try {
    rnnpool::quant::QuantizedModel model = rnnpool::quant::load_quantized_model(argv[1]);
    model.conv.bias.at(0) += 1;
    rnnpool::quant::save_quantized_model(argv[2], model);
    std::printf("digest %08x -> %08x\n", rnnpool::quant::load_quantized_model(argv[1]).digest(),
                model.digest());
    return 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "make_other_model: %s\n", e.what());
    return 1;
  }
}
