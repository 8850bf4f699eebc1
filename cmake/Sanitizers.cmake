# THUMBFLOW_SANITIZE: "" (none), "address,undefined" or "thread". Applied to every target.
set(THUMBFLOW_SANITIZE "" CACHE STRING "Sanitizers to build with: address,undefined | thread")
if(THUMBFLOW_SANITIZE)
  add_compile_options(-fsanitize=${THUMBFLOW_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${THUMBFLOW_SANITIZE})
  # oneTBB 2021.8's flow-graph tasks call finalize() through a base pointer after the derived
  # object's destructor ran (input_node_task_bypass, _flow_graph_impl.h:368), which the vptr
  # check reports; every other UBSan check stays on.
  if(THUMBFLOW_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize=vptr)
  endif()
  # TSan must see inside oneTBB, or every job handed between flow-graph nodes looks racy: the
  # `tsan` preset points TBB_DIR at an instrumented build, made by tests/tsan/build-onetbb. Refuse
  # to fall back to the system's uninstrumented one silently.
  if(THUMBFLOW_SANITIZE MATCHES "thread" AND NOT EXISTS "${TBB_DIR}/TBBConfig.cmake")
    message(FATAL_ERROR "THUMBFLOW_SANITIZE=thread needs oneTBB built with TSan: run "
                        "tests/tsan/build-onetbb, and set TBB_DIR (the tsan preset does)")
  endif()
endif()

# THUMBFLOW_FUZZ: build the libFuzzer targets of tests/fuzz (clang only). Every target gets the
# coverage instrumentation libFuzzer steers by; combine with THUMBFLOW_SANITIZE=address,undefined.
option(THUMBFLOW_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
if(THUMBFLOW_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "THUMBFLOW_FUZZ needs clang (-DCMAKE_CXX_COMPILER=clang++)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
