#pragma once

#include <string>

namespace thumbflow::cli {

// The sample images: `data` in the current folder if it is there (a checkout), else the data folder
// of the source tree this binary was built from.
std::string sample_folder();

}  // namespace thumbflow::cli
