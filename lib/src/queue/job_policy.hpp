// What a worker lets a job do, whatever the job asks: read only under the worker's input roots,
// write only where no input root lies, stay within its pixel and box limits. Anyone who can add to the stream
// writes jobs, so every job passes here (after decode_job has checked each field's syntax and range) before
// it runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "queue/job_fields.hpp"

namespace thumbflow::detail {

struct JobLimits {
  std::vector<std::string> input_roots;  // real paths (symlinks resolved); empty = no local files
  std::string output_root;               // -o, its real path
  // Input roots inside -o (real paths): no job writes there, or it could replace the images that
  // workers read. (-o inside a root is fine: the folder enqueue --workers-output leaves out.)
  std::vector<std::string> roots_in_output;
  std::uint64_t max_pixels = 0;        // the worker's --max-pixels; 0 = none
  std::uint64_t max_frame_pixels = 0;  // the worker's --max-frame-pixels; 0 = none
  int max_box = 8192;                  // per side
};

// The limits of a worker, its roots resolved. Throws std::invalid_argument naming a root that is
// not an existing folder, or one that is the output folder itself (every job could write over an
// input there).
JobLimits make_job_limits(const std::vector<std::string>& input_roots, const std::string& output_dir,
                          std::uint64_t max_pixels, std::uint64_t max_frame_pixels, int max_box);

// Confines `job` to `limits`: a local input is replaced by its real path, which must lie under a
// root (so what is read is what was checked); its outputs' folder must not lie in a root inside -o; the pixel
// limit and the animation budget
// (--max-frame-pixels) each become the lower of the job's and the worker's (a job's 0 means the
// worker's). Throws std::invalid_argument with the reason for a job the worker refuses.
void confine_job(QueueJob& job, const JobLimits& limits);

}  // namespace thumbflow::detail
