#include "samples.hpp"

#include <filesystem>

namespace thumbflow::cli {

std::string sample_folder() {
  std::error_code ec;
  if (std::filesystem::is_directory("data", ec)) return "data";
  return THUMBFLOW_SAMPLES_DIR;
}

}  // namespace thumbflow::cli
