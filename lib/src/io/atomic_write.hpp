// The one way thumbflow writes a file: atomically, durably, and only where it was asked to.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace thumbflow::detail {

// Writes `bytes` to ROOT/RELATIVE so that readers see the old file or the complete new one:
// a temporary file is created beside the target and renamed over it.
// - Confinement: `root` is the folder the user named (followed if it is a symbolic link); each
//   folder of `relative` is created if missing and opened from there with O_NOFOLLOW, and the
//   temporary file is created and renamed inside that folder's descriptor, so a symbolic link
//   planted under `root` cannot redirect the write elsewhere. `relative` must not be absolute nor
//   hold empty, "." or ".." segments.
// - Mode: 0666 minus the process umask, applied by the kernel; the umask is never read or changed.
// - Durability: when `sync`, the file is fsync'ed before the rename and its folder after it, so a
//   write that returned survives a power cut.
// Throws std::runtime_error("<reason>") (the reason names no path but the refused segment); the
// temporary file is removed on failure.
void write_file_under(const std::string& root, const std::string& relative,
                      std::span<const std::uint8_t> bytes, bool sync);

}  // namespace thumbflow::detail
