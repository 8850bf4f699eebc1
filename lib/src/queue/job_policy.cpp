#include "queue/job_policy.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "core/safe_path.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow::detail {
namespace fs = std::filesystem;
namespace {

bool is_under(const fs::path& path, const fs::path& root) {
  const fs::path inside = path.lexically_relative(root);
  return !inside.empty() && *inside.begin() != ".." && inside != ".";
}

// The real path of a local input under one of `roots`; throws otherwise.
std::string confined_input(const std::string& input, const std::vector<std::string>& roots) {
  if (roots.empty())
    throw std::invalid_argument(
        "local file jobs are refused: this worker has no --input-root (start it with --input-root DIR "
        "to read files under DIR)");
  if (input.find('\0') != std::string::npos)
    throw std::invalid_argument("input " + quote_field(input) + " has a NUL byte");
  if (!fs::path(input).is_absolute())
    throw std::invalid_argument("input " + quote_field(input) + " is not an absolute path");
  // An existing file is resolved whole (every symlink followed). A missing one keeps its name and
  // fails when read, a permanent failure (read_failure_kind; requeue it once it is there). Only its
  // existing part is resolved, so a '..' after a missing folder would be taken lexically and could
  // climb back through a symlink ("in/missing/../link_out/x.jpg"): such a path is refused.
  std::error_code ec;
  fs::path real = fs::canonical(input, ec);
  if (ec) {
    const fs::path p(input);
    if (std::any_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".."; }))
      throw std::invalid_argument("input " + quote_field(input) +
                                  " cannot be resolved: it has a '..' segment and is missing (" +
                                  ec.message() + ")");
    real = fs::weakly_canonical(input, ec);
  }
  if (ec) throw std::invalid_argument("input " + quote_field(input) + " cannot be resolved: " + ec.message());
  for (const std::string& root : roots)
    if (is_under(real, root)) return real.string();
  throw std::invalid_argument("input " + quote_field(input) +
                              " is outside the worker's --input-root folders");
}

}  // namespace

JobLimits make_job_limits(const std::vector<std::string>& input_roots, const std::string& output_dir,
                          std::uint64_t max_pixels, std::uint64_t max_frame_pixels, int max_box) {
  JobLimits limits;
  limits.max_pixels = max_pixels;
  limits.max_frame_pixels = max_frame_pixels;
  limits.max_box = max_box;
  std::error_code ec;
  const fs::path output = fs::weakly_canonical(fs::absolute(output_dir, ec), ec);
  limits.output_root = output.string();
  for (const std::string& root : input_roots) {
    const fs::path real = fs::canonical(root, ec);
    if (ec || !fs::is_directory(real, ec))
      throw std::invalid_argument("input root '" + root + "' is not an existing folder");
    if (real == output)
      throw std::invalid_argument("input root '" + root +
                                  "' is the output folder: a job could write its thumbnail over any image "
                                  "there; give -o a folder of its own (one inside the root is fine)");
    if (is_under(real, output)) limits.roots_in_output.push_back(real.string());
    limits.input_roots.push_back(real.string());
  }
  return limits;
}

void confine_job(QueueJob& job, const JobLimits& limits) {
  ThumbnailOptions& t = job.thumbnail;
  for (const Dimensions box : boxes_of(t)) {
    if (box.width > limits.max_box || box.height > limits.max_box)
      throw std::invalid_argument("box " + std::to_string(box.width) + "x" + std::to_string(box.height) +
                                  " is over this worker's limit of " + std::to_string(limits.max_box) +
                                  " per side (--max-box)");
    // Without a bound on one side, enlarging a thin image would make a thumbnail of any height.
    if (t.allow_enlarge && (box.width == 0 || box.height == 0))
      throw std::invalid_argument("an enlarged thumbnail needs a box bounded on both sides");
  }
  // A job may lower a limit, never raise or lift it: its 0 ("no limit") means the worker's.
  const auto cap = [](std::uint64_t& asked, std::uint64_t worker) {
    if (asked == 0 || (worker != 0 && asked > worker)) asked = worker;
  };
  cap(t.max_pixels, limits.max_pixels);
  cap(t.max_frame_pixels, limits.max_frame_pixels);
  if (!is_remote(job.item.input)) job.item.input = confined_input(job.item.input, limits.input_roots);
  // Every output of the job lies in one folder, rel's (decode_job checked both as safe relative
  // paths; a symbolic link inside -o is refused when writing).
  const fs::path folder = (fs::path(limits.output_root) / job.item.relative_path).parent_path();
  for (const std::string& root : limits.roots_in_output)
    if (folder == fs::path(root) || is_under(folder, root))
      throw std::invalid_argument("its thumbnail would be written in the input root " + root +
                                  ", among the images workers read");
}

}  // namespace thumbflow::detail
