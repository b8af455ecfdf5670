# SPDX-License-Identifier: GPL-3.0-or-later
# rnnpool_set_warnings(target): the project's warning set, applied to our own targets only.
function(rnnpool_set_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<OR:$<C_COMPILER_ID:GNU,Clang>,$<CXX_COMPILER_ID:GNU,Clang>>:-Wall -Wextra>)
endfunction()
