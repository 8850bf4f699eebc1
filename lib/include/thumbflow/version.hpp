// Version of thumbflow and of the libraries it was built with.
#pragma once

#include <string>

namespace thumbflow {

// thumbflow's own version, "MAJOR.MINOR.PATCH" (the CMake project version, also what
// find_package(thumbflow <version>) checks). A static string: never null, never to be freed.
// Never throws; safe from any thread.
const char* version();

// One line per library, each ending in '\n': "OpenCV 4.6.0", "oneTBB 2021.8", "libjpeg-turbo 2.1.5"
// (or "libjpeg N" when built against another libjpeg), "libcurl 7.88.1", "libwebp 1.2.4". oneTBB,
// libcurl and libwebp are asked at run time (the shared libraries in use); OpenCV and libjpeg give
// the versions compiled in. For --version and bug reports; the format may grow more lines. Throws
// only bad_alloc. libcurl fills a static struct on each curl_version_info call, so call this from
// one thread at a time (e.g. at start-up).
std::string library_versions();

}  // namespace thumbflow
