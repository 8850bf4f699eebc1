# thumbflow_set_warnings(target): the project's warning set; errors only when
# THUMBFLOW_WARNINGS_AS_ERRORS is ON (CI), so a newer compiler never breaks a user's build.
function(thumbflow_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wnull-dereference
    -Wimplicit-fallthrough)
  if(THUMBFLOW_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC's flow analysis gives false -Wmaybe-uninitialized / -Wnull-dereference warnings in
    # libstdc++ code under sanitizers; the normal builds keep both.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized -Wno-null-dereference)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 at -O2 reports -Warray-bounds, -Wrestrict, -Wstringop-overflow/-overread and -Wnull-dereference
    # inside inlined libstdc++ string and vector code (known false positives, e.g. GCC PR 105651).
    # Debug builds (CI's -Werror build) keep them all.
    target_compile_options(${target} PRIVATE
      $<$<NOT:$<CONFIG:Debug>>:-Wno-array-bounds -Wno-restrict -Wno-stringop-overflow
      -Wno-stringop-overread -Wno-null-dereference>)
  endif()
  if(THUMBFLOW_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
