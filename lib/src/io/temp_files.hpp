// Temporary files of atomic writes: their names, and the clean-up of those a killed process left.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace thumbflow::detail {

// mkstemp template for a temporary file beside `target`: ".<name>.thumbflow-XXXXXX" (hidden, and
// on the same file system, so that rename() is atomic).
std::string temp_file_template(const std::filesystem::path& target);

// True for names temp_file_template makes (after mkstemp filled in the six characters).
bool is_temp_file_name(std::string_view file_name);

// A write takes milliseconds; a temporary file this old belongs to a process that was killed
// (SIGKILL, power loss) between creating it and renaming or removing it.
inline constexpr std::chrono::minutes kAbandonedTempAge{10};

// Removes the temporary files under `dir` (recursively, not following symbolic links) that were
// last modified at least `min_age` ago, and returns how many. Files being written by a live
// process, even another thumbflow sharing the folder, are younger and stay. Unreadable folders and
// files that cannot be removed are left alone; never throws (but bad_alloc).
std::size_t remove_abandoned_temp_files(const std::filesystem::path& dir,
                                        std::chrono::seconds min_age = kAbandonedTempAge);

}  // namespace thumbflow::detail
