// The file-system seam: everything the pipeline reads or writes goes through a Storage, so tests
// can inject failures (full disk, unreadable files) without touching the real disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace thumbflow::detail {

class Storage {
 public:
  virtual ~Storage() = default;
  // Whole file; throws ReadError("<reason>", its kind: see read_failure_kind) without the path in
  // the message.
  virtual std::vector<std::uint8_t> read(const std::string& path, std::uint64_t max_bytes) = 0;
  // read() of a file that should be an image: `check_head` sees its first kHeadBytes (only when
  // the file is longer) and may throw, which ends the read before the rest is read. A big file that
  // is no image (a video, an archive under an input root) then costs 64 KiB, not its size.
  static constexpr std::size_t kHeadBytes = 64 * 1024;
  using HeadCheck = std::function<void(std::span<const std::uint8_t>)>;
  virtual std::vector<std::uint8_t> read_image(const std::string& path, std::uint64_t max_bytes,
                                               const HeadCheck& check_head) {
    std::vector<std::uint8_t> bytes = read(path, max_bytes);
    if (bytes.size() > kHeadBytes) check_head(std::span(bytes).first(kHeadBytes));
    return bytes;
  }
  // Creates missing parent folders, writes to a temporary file beside `path` and renames it over
  // `path`, so readers see the old file or the complete new one, never a part. On failure the
  // temporary file is removed and std::runtime_error("<reason>") is thrown.
  virtual void write_atomic(const std::string& path, std::span<const std::uint8_t> bytes) = 0;
  // write_atomic of ROOT/RELATIVE, confined to `root`: a symbolic link inside `root` is never
  // followed (the disk refuses the write); `relative` has no "..", "." or empty segment.
  virtual void write_atomic_under(const std::string& root, const std::string& relative,
                                  std::span<const std::uint8_t> bytes) {
    write_atomic((std::filesystem::path(root) / relative).string(), bytes);
  }
  // True if `path` exists.
  virtual bool exists(const std::string& path) = 0;
  // When `path` was last modified; nullopt if it does not exist (or cannot be read).
  virtual std::optional<std::filesystem::file_time_type> modified(const std::string& path) = 0;
  // Removes the file `path` if it exists; throws std::runtime_error("<reason>") if it cannot.
  virtual void remove(const std::string& path) = 0;
  // Makes everything written so far on the file system that holds the folder `root` durable (one
  // flush of that file system). Throws std::runtime_error("<reason>") on a write-back error.
  virtual void flush(const std::string& root) = 0;
  // Makes these files (those that exist) durable, and their names: an fsync of each file, then of
  // each folder from the file's own up to the first of `roots` that holds it (its own folder alone
  // if none does). Unlike flush(), nothing else written on that file system is waited for (a flush
  // also writes back every other program's unwritten data there). Throws
  // std::runtime_error("<reason>"). This default flushes the file system of the first one's folder.
  virtual void sync(const std::vector<std::string>& paths, const std::vector<std::string>& roots) {
    (void)roots;
    if (!paths.empty()) flush(std::filesystem::path(paths.front()).parent_path().string());
  }
  // Bytes written on this machine that are not on a disk yet (all file systems: Dirty + Writeback
  // in /proc/meminfo); 0 where that is not known.
  virtual std::uint64_t unwritten_bytes() { return 0; }
  // True if both names refer to the same existing file (hard links and symlinks included).
  virtual bool same_file(const std::string& a, const std::string& b) = 0;
};

// The folders Storage::sync fsyncs after the files (those with present[i]): each file's folder and
// those above it up to the first of `roots` that holds it, never above; names normalised ("." for
// the current folder, no trailing separator). Sorted, each once.
std::vector<std::string> folders_to_sync(const std::vector<std::string>& paths,
                                         const std::vector<char>& present,
                                         const std::vector<std::string>& roots);

// The real disk. With `sync`, every write is fsync'ed (file, then folder) before it returns;
// without, writes return at once and flush() makes them durable.
// Thread-safe.
Storage& disk_storage(bool sync = true);

}  // namespace thumbflow::detail
