// What C libraries print on stderr (libpng through OpenCV, libtiff at OpenCV's debug level,
// OpenCV's own log, libjxl's JXL_FAILURE trail, dav1d's input checks) becomes a warning of the item
// being decoded, once a program has opted in with thumbflow::capture_library_messages()
// (pipeline.hpp).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace thumbflow::detail {

// Runs `call` and puts in `lines` what was written to file descriptor 2 while it ran (trimmed,
// empty lines dropped), also when `call` throws. Without capture_library_messages() it only runs
// `call`: output goes where it always did and `lines` stays empty.
//
// With it, calls run side by side. fd 2 is one per process: it is a pipe while at least one call
// runs and the terminal again when none does (so a crash report outside a decode still reaches the
// terminal). Each call empties the pipe when it starts and ends. A line read while one call runs is
// that call's. A line read while several run is one of theirs: a call that fails (throws) claims
// it, since a library complains most about the input it fails on; when all of them succeed, the
// last to end takes it, marked "(printed while N items were decoding)". The pipe holds 1 MiB; a
// library that writes more while nothing reads loses the rest instead of blocking.
void capture_stderr_of(const std::function<void()>& call, std::vector<std::string>& lines);

}  // namespace thumbflow::detail
