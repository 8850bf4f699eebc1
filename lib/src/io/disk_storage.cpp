#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include "io/atomic_write.hpp"
#include "io/read_error.hpp"
#include "io/storage.hpp"

namespace thumbflow::detail {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail_errno(const char* what) {
  throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

// `call(fd)` (fsync, syncfs) on the file or folder at `path`; false if it does not exist and
// !must_exist. Failures throw "<what failed>: <reason>".
template <class Call>
bool on_path(const std::string& path, int flags, bool must_exist, Call call, const char* failed) {
  const int fd = ::open(path.empty() ? "." : path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT && !must_exist) return false;
    fail_errno("cannot open");
  }
  const int result = call(fd);
  const int error = errno;
  ::close(fd);
  errno = error;
  if (result != 0) fail_errno(failed);
  return true;
}

bool fsync_path(const std::string& path, int flags, bool must_exist) {
  return on_path(path, flags, must_exist, ::fsync, "fsync failed");
}

// A folder's name in one form: normalised, "." for the current folder, no trailing separator.
fs::path folder_name(const fs::path& p) {
  fs::path n = p.lexically_normal();
  if (!n.has_filename() && n.has_relative_path()) n = n.parent_path();  // "out/" -> "out"
  return n.empty() ? fs::path(".") : n;
}

// True if `folder` is `root` or lies below it (both folder_name'd; "." holds every relative name).
bool lies_within(const fs::path& folder, const fs::path& root) {
  if (root == ".") return folder.is_relative() && *folder.begin() != "..";
  const auto [r, f] = std::mismatch(root.begin(), root.end(), folder.begin(), folder.end());
  return r == root.end();
}

// fn(0 .. n-1) on up to 16 threads (this one among them) when n is large: concurrent fsyncs share
// the file system's journal commits (ext4, XFS), where one after another each waits for a commit of
// its own. Threads that cannot be started leave their share to the others. The first exception is
// rethrown once all are done.
void spread(std::size_t n, const std::function<void(std::size_t)>& fn) {
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::exception_ptr first;
  const auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      try {
        fn(i);
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!first) first = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  const std::size_t helpers = std::min<std::size_t>(15, n / 16);
  for (std::size_t t = 0; t < helpers; ++t) {
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // e.g. a thread limit: the threads there are do the rest
    }
  }
  work();
  for (std::thread& th : pool) th.join();
  if (first) std::rethrow_exception(first);
}

class DiskStorage final : public Storage {
 public:
  explicit DiskStorage(bool sync) : sync_(sync) {}

  std::vector<std::uint8_t> read(const std::string& path, std::uint64_t max_bytes) override {
    return read_image(path, max_bytes, {});
  }

  std::vector<std::uint8_t> read_image(const std::string& path, std::uint64_t max_bytes,
                                       const HeadCheck& check_head) override {
    // O_NONBLOCK: opening a FIFO named like an image must not wait for a writer; it is then
    // refused by the S_ISREG check. Regular files ignore the flag.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw_read_error("cannot open", errno);
    struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw_read_error("cannot stat", errno);
    if (S_ISDIR(st.st_mode)) throw ReadError("is a folder", FailureKind::Permanent);
    if (!S_ISREG(st.st_mode)) throw ReadError("not a regular file", FailureKind::Permanent);
    if (std::uint64_t(st.st_size) > max_bytes)
      throw ReadError(
          "file is " + std::to_string(st.st_size) + " bytes, over the limit of " + std::to_string(max_bytes),
          FailureKind::Permanent);
    const std::size_t size = std::size_t(st.st_size);
    // Up to `end`, or to the end of a file that shrank while we read it.
    std::size_t done = 0;
    const auto fill = [&](std::vector<std::uint8_t>& data) {
      while (done < data.size()) {
        const ssize_t n = ::read(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_read_error("read failed", errno);
        if (n == 0) break;
        done += std::size_t(n);
      }
    };
    std::vector<std::uint8_t> data(check_head ? std::min(size, kHeadBytes) : size);
    fill(data);
    if (done < size && done == data.size()) {  // the head of a longer file
      check_head(std::span<const std::uint8_t>(data));
      data.resize(size);
      fill(data);
    }
    data.resize(done);
    return data;
  }

  void write_atomic(const std::string& path, std::span<const std::uint8_t> bytes) override {
    // The folder of a report or settings file is the user's choice: it may be reached through
    // symbolic links. Only what lies below it is confined.
    const fs::path target(path);
    std::error_code ec;
    if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
    if (ec)
      throw std::runtime_error("cannot create folder " + target.parent_path().string() + ": " + ec.message());
    write_file_under(target.has_parent_path() ? target.parent_path().string() : ".",
                     target.filename().string(), bytes, sync_);
  }

  void write_atomic_under(const std::string& root, const std::string& relative,
                          std::span<const std::uint8_t> bytes) override {
    // The root is the user's choice (-o, --keep-originals): made if missing, reached through links.
    std::error_code ec;
    if (!root.empty()) fs::create_directories(root, ec);
    if (ec) throw std::runtime_error("cannot create folder " + root + ": " + ec.message());
    write_file_under(root, relative, bytes, sync_);
  }

  std::optional<fs::file_time_type> modified(const std::string& path) override {
    std::error_code ec;
    const auto time = fs::last_write_time(path, ec);
    if (ec) return std::nullopt;
    return time;
  }

  void remove(const std::string& path) override {
    std::error_code ec;
    fs::remove(path, ec);
    if (ec) throw std::runtime_error("cannot remove: " + ec.message());
  }

  void flush(const std::string& root) override {
    // syncfs reports write-back errors of the file system (Linux >= 5.8)
    on_path(root, O_RDONLY | O_DIRECTORY, true, ::syncfs, "flush to disk failed");
  }

  void sync(const std::vector<std::string>& paths, const std::vector<std::string>& roots) override {
    std::vector<char> present(paths.size(), 0);
    spread(paths.size(), [&](std::size_t i) {
      present[i] = fsync_path(paths[i], O_RDONLY | O_NONBLOCK, false);  // a FIFO in its place must not block
    });
    const std::vector<std::string> list = folders_to_sync(paths, present, roots);
    spread(list.size(), [&](std::size_t i) { fsync_path(list[i], O_RDONLY | O_DIRECTORY, true); });
  }

  std::uint64_t unwritten_bytes() override {
    std::ifstream meminfo("/proc/meminfo");
    std::uint64_t total = 0;
    std::string key;
    std::uint64_t kb = 0;
    std::string unit;
    while (meminfo >> key >> kb) {
      if (key == "Dirty:" || key == "Writeback:") total += kb * 1024;
      std::getline(meminfo, unit);
    }
    return total;
  }

  bool exists(const std::string& path) override {
    std::error_code ec;
    return fs::exists(path, ec);
  }

  bool same_file(const std::string& a, const std::string& b) override {
    std::error_code ec;
    return fs::equivalent(a, b, ec) && !ec;
  }

 private:
  const bool sync_;
};

}  // namespace

std::vector<std::string> folders_to_sync(const std::vector<std::string>& paths,
                                         const std::vector<char>& present,
                                         const std::vector<std::string>& roots) {
  std::vector<fs::path> clean_roots;
  for (const std::string& r : roots)
    if (!r.empty()) clean_roots.push_back(folder_name(r));
  std::set<std::string> folders;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (!present[i]) continue;
    fs::path folder = folder_name(fs::path(paths[i]).parent_path());
    const auto root = std::find_if(clean_roots.begin(), clean_roots.end(),
                                   [&](const fs::path& r) { return lies_within(folder, r); });
    // Its folder, and those above it up to the root that holds it (a folder the batch made must
    // be in its parent too); never above the root.
    for (;;) {
      if (!folders.insert(folder.string()).second) break;  // it and those above it are in already
      if (root == clean_roots.end() || folder == *root) break;
      folder = folder_name(folder.parent_path());
    }
  }
  return {folders.begin(), folders.end()};
}

Storage& disk_storage(bool sync) {
  static DiskStorage synced(true), unsynced(false);
  return sync ? synced : unsynced;
}

}  // namespace thumbflow::detail
