#include "io/atomic_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "io/temp_files.hpp"

namespace thumbflow::detail {
namespace {

[[noreturn]] void fail_errno(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

std::vector<std::string> segments_of(const std::string& relative) {
  if (relative.empty() || relative.front() == '/') throw std::runtime_error("output path is not relative");
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = relative.find('/', start);
    std::string s = relative.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (s.empty() || s == "." || s == "..")
      throw std::runtime_error("output path has an empty, '.' or '..' segment");
    out.push_back(std::move(s));
    if (slash == std::string::npos) return out;
    start = slash + 1;
  }
}

// Opens (creating if missing) the folder `name` inside `parent`, never through a symbolic link.
// A folder it creates is made durable in `parent` when `sync`.
Fd open_child_dir(int parent, const std::string& name, bool sync) {
  if (::mkdirat(parent, name.c_str(), 0777) == 0) {
    if (sync && ::fsync(parent) != 0) fail_errno("fsync of the folder failed");
  } else if (errno != EEXIST) {
    fail_errno("cannot create folder " + name);
  }
  const int fd = ::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP || errno == ENOTDIR)
      throw std::runtime_error("refused to write through " + name +
                               " (a symbolic link or not a folder inside the output folder)");
    fail_errno("cannot open folder " + name);
  }
  return Fd(fd);
}

// mkstemp's six random characters, for a name created with openat(O_EXCL) in a folder descriptor.
std::string random_suffix() {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string s(6, 'X');
  for (char& c : s) c = kChars[std::uniform_int_distribution<std::size_t>(0, sizeof kChars - 2)(rng)];
  return s;
}

// The temporary file in `dir`; removed on destruction unless renamed.
class TempFile {
 public:
  TempFile(int dir, const std::string& target_name) : dir_(dir) {
    std::string pattern = temp_file_template(target_name);
    for (int attempt = 0; attempt < 100; ++attempt) {
      name_ = pattern.substr(0, pattern.size() - 6) + random_suffix();
      // 0666: the kernel takes the umask off, so it is never read (let alone changed) here.
      fd_ = Fd(::openat(dir, name_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
      if (fd_.get() >= 0 || errno != EEXIST) break;
    }
    if (fd_.get() < 0) fail_errno("cannot create temporary file");
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!renamed_) ::unlinkat(dir_, name_.c_str(), 0);
  }

  void write_all(std::span<const std::uint8_t> bytes, bool sync) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail_errno("write failed");
      done += std::size_t(n);
    }
    if (sync && ::fsync(fd_.get()) != 0) fail_errno("fsync failed");
    if (::close(fd_.release()) != 0) fail_errno("write failed");
  }

  void rename_to(const std::string& target_name) {
    if (::renameat(dir_, name_.c_str(), dir_, target_name.c_str()) != 0)
      fail_errno("cannot rename temporary file");
    renamed_ = true;
  }

 private:
  int dir_;
  std::string name_;
  Fd fd_;
  bool renamed_ = false;
};

}  // namespace

void write_file_under(const std::string& root, const std::string& relative,
                      std::span<const std::uint8_t> bytes, bool sync) {
  const std::vector<std::string> segments = segments_of(relative);
  Fd dir(::open(root.empty() ? "." : root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) fail_errno("cannot open output folder");
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) dir = open_child_dir(dir.get(), segments[i], sync);
  TempFile temp(dir.get(), segments.back());
  temp.write_all(bytes, sync);
  temp.rename_to(segments.back());
  // The rename is only durable once the folder entry is on disk.
  if (sync && ::fsync(dir.get()) != 0) fail_errno("fsync of the folder failed");
}

}  // namespace thumbflow::detail
