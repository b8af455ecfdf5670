# SPDX-License-Identifier: GPL-3.0-or-later
# -DRNNPOOL_SANITIZE=ON: every target in the tree is built with ASan + UBSan.
if(RNNPOOL_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_compile_options(${_san})
  add_link_options(-fsanitize=address,undefined)
endif()
