// Version of thumbflow and of the libraries it was built with.
#pragma once

#include <string>

namespace thumbflow {

const char* version();

// One line per library: "OpenCV 4.6.0", "oneTBB 2021.8.0", "libjpeg-turbo 2.1.5", ...
std::string library_versions();

}  // namespace thumbflow
