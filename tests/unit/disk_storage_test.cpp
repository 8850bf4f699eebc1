// The real disk's writes: confined to the folder asked for, umask left alone, modes as usual.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "io/read_error.hpp"
#include "io/storage.hpp"
#include "test_support.hpp"

// Counts umask(2) calls made by the code under test: the umask is process-wide, so changing it
// from a writer thread (even to put it back) races with every other thread creating files.
// This definition takes the place of libc's in this test program.
namespace {
std::atomic<int> umask_calls{0};
}
extern "C" mode_t umask(mode_t mask) noexcept {
  ++umask_calls;
  return mode_t(::syscall(SYS_umask, mask));
}

namespace thumbflow::detail {
namespace {

namespace fs = std::filesystem;

// The process umask as the kernel reports it, read without changing it (umask(2) cannot).
int umask_from_proc() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("Umask:", 0) == 0) return std::stoi(line.substr(6), nullptr, 8);
  return -1;
}

// Sets the umask for one test and puts the old one back.
struct UmaskScope {
  explicit UmaskScope(mode_t m) : old(mode_t(::syscall(SYS_umask, m))) {}
  ~UmaskScope() { ::syscall(SYS_umask, old); }
  mode_t old;
};

const std::vector<std::uint8_t> kBytes = {1, 2, 3, 4};

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

TEST(DiskStorage, ParallelWritesNeverChangeTheUmask) {
  if (umask_from_proc() < 0) GTEST_SKIP() << "no Umask line in /proc/self/status";
  const UmaskScope scope(022);
  constexpr int kThreads = 4, kWrites = 50;
  test::TempDir dir;
  std::atomic<bool> writing{true};
  std::atomic<int> wrong{0}, looks{0};
  std::thread watcher([&] {
    while (writing.load()) {
      if (umask_from_proc() != 022) ++wrong;
      ++looks;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i)
        disk_storage().write_atomic_under(
            dir.path().string(), "t" + std::to_string(t) + "/f" + std::to_string(i) + ".jpg", kBytes);
    });
  for (auto& w : writers) w.join();
  writing = false;
  watcher.join();
  EXPECT_EQ(wrong.load(), 0) << "of " << looks.load() << " looks at the umask";
  EXPECT_EQ(umask_from_proc(), 022);
  // A write that took a racing thread's 0 for the umask left a 0666 file.
  int files = 0, wrong_mode = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir.path()))
    if (e.is_regular_file()) {
      ++files;
      if (mode_of(e.path()) != 0644u) ++wrong_mode;
    }
  EXPECT_EQ(files, kThreads * kWrites);
  EXPECT_EQ(wrong_mode, 0);
}

TEST(DiskStorage, WritesNeverCallUmask) {
  test::TempDir dir;
  const int before = umask_calls.load();
  disk_storage().write_atomic_under(dir.path().string(), "sub/a.jpg", kBytes);
  disk_storage().write_atomic((dir / "b.json").string(), kBytes);
  EXPECT_EQ(umask_calls.load() - before, 0);
}

TEST(DiskStorage, FileModesFollowTheUmask) {
  const UmaskScope scope(077);
  test::TempDir dir;
  disk_storage().write_atomic_under(dir.path().string(), "sub/a.jpg", kBytes);
  disk_storage().write_atomic((dir / "b.json").string(), kBytes);
  EXPECT_EQ(mode_of(dir / "sub/a.jpg"), 0600u);
  EXPECT_EQ(mode_of(dir / "sub"), 0700u);
  EXPECT_EQ(mode_of(dir / "b.json"), 0600u);
}

TEST(DiskStorage, SymlinkInsideTheRootDoesNotRedirectAWrite) {
  test::TempDir dir, outside;
  fs::create_directories(dir / "out");
  fs::create_directory_symlink(outside.path(), dir / "out/sub");
  try {
    disk_storage().write_atomic_under((dir / "out").string(), "sub/a.jpg", kBytes);
    ADD_FAILURE() << "the write went through the symbolic link";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("symbolic link"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_empty(outside.path()));
  // Deeper too, and a link to a file is replaced (renamed over), not written through.
  fs::create_directories(dir / "out/real");
  fs::create_directory_symlink(outside.path(), dir / "out/real/deeper");
  EXPECT_THROW(disk_storage().write_atomic_under((dir / "out").string(), "real/deeper/x/a.jpg", kBytes),
               std::runtime_error);
  test::write_bytes(outside / "target.jpg", {9});
  fs::create_symlink(outside / "target.jpg", dir / "out/real/link.jpg");
  disk_storage().write_atomic_under((dir / "out").string(), "real/link.jpg", kBytes);
  EXPECT_FALSE(fs::is_symlink(dir / "out/real/link.jpg"));
  EXPECT_EQ(test::read_bytes(outside / "target.jpg"), std::vector<std::uint8_t>{9});
  EXPECT_EQ(test::read_bytes(dir / "out/real/link.jpg"), kBytes);
  EXPECT_EQ(fs::directory_iterator(outside.path())->path().filename(), "target.jpg");
}

TEST(DiskStorage, RefusesPathsThatLeaveTheRoot) {
  test::TempDir dir;
  for (const char* rel : {"../a.jpg", "sub/../../a.jpg", "/tmp/a.jpg", "", "./a.jpg", "sub//a.jpg"})
    EXPECT_THROW(disk_storage().write_atomic_under(dir.path().string(), rel, kBytes), std::runtime_error)
        << rel;
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(DiskStorage, SyncFsyncsTheFilesThereAreAndSkipsMissingOnes) {
  test::TempDir dir;
  disk_storage(false).write_atomic((dir / "a.json").string(), kBytes);
  EXPECT_NO_THROW(disk_storage(false).sync({(dir / "a.json").string(), (dir / "missing").string()}, {}));
  EXPECT_NO_THROW(disk_storage(false).sync({(dir / "missing/too").string()}, {dir.path().string()}));
  EXPECT_EQ(test::read_bytes(dir / "a.json"), kBytes);
  // Files in folders made below a root (their folders up to the root are synced too), many at once.
  std::vector<std::string> many;
  for (int i = 0; i < 40; ++i) {
    const std::string rel = "sub" + std::to_string(i % 3) + "/deeper/t" + std::to_string(i) + ".jpg";
    disk_storage(false).write_atomic_under((dir / "out").string(), rel, kBytes);
    many.push_back((dir / "out" / rel).string());
  }
  EXPECT_NO_THROW(disk_storage(false).sync(many, {(dir / "out").string() + "/"}));
  // Something in a file's place that cannot be synced (a FIFO) is an error, at once.
  const fs::path fifo = dir / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  try {
    disk_storage(false).sync({fifo.string()}, {});
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("fsync"), std::string::npos) << e.what();
  }
}

// Which folders a sync fsyncs: each file's own and those above it up to its root, never above,
// whatever the spelling of the root ("out/", ".", absolute).
TEST(DiskStorage, SyncedFoldersGoUpToTheRootAndNoFurther) {
  using Names = std::vector<std::string>;
  const auto folders = [](const Names& paths, const Names& roots) {
    return folders_to_sync(paths, std::vector<char>(paths.size(), 1), roots);
  };
  EXPECT_EQ(folders({"out/a/b/t.jpg", "out/c.jpg"}, {"out/"}), (Names{"out", "out/a", "out/a/b"}));
  EXPECT_EQ(folders({"/srv/out/a/t.jpg"}, {"/srv/out/"}), (Names{"/srv/out", "/srv/out/a"}));
  EXPECT_EQ(folders({"a/t.jpg", "t.jpg"}, {"."}), (Names{".", "a"}));
  EXPECT_EQ(folders({"./a/./t.jpg"}, {"./"}), (Names{".", "a"}));
  EXPECT_EQ(folders({"/elsewhere/x/t.jpg"}, {"/srv/out", ""}), Names{"/elsewhere/x"});  // its own only
  EXPECT_EQ(folders({"kept/o/1.jpg", "out/t.jpg"}, {"out", "kept"}), (Names{"kept", "kept/o", "out"}));
  EXPECT_EQ(folders_to_sync({"out/a/t.jpg", "out/b/u.jpg"}, {1, 0}, {"out"}), (Names{"out", "out/a"}));
}

}  // namespace
}  // namespace thumbflow::detail

namespace thumbflow::detail {
namespace {

// Local read failures are sorted in one place: what fails the same way every time is permanent
// (a worker does not retry it), I/O errors and resources running out are not. Before, every
// read failure was transient.
TEST(ReadFailureKind, MissingForbiddenAndFoldersArePermanentIoErrorsTransient) {
  for (const int e : {ENOENT, ENOTDIR, EISDIR, EACCES, EPERM, ELOOP, ENAMETOOLONG})
    EXPECT_EQ(read_failure_kind(e), FailureKind::Permanent) << std::strerror(e);
  for (const int e : {EIO, EAGAIN, EINTR, ENOMEM, EMFILE, ENFILE, ESTALE, ETIMEDOUT, EBUSY, 0})
    EXPECT_EQ(read_failure_kind(e), FailureKind::Transient) << std::strerror(e);
}

TEST(DiskStorage, ReadFailuresSayWhetherTryingAgainCouldHelp) {
  test::TempDir tmp;
  Storage& storage = disk_storage();
  const auto kind_of = [&](const fs::path& path, std::uint64_t max_bytes = 1000) {
    try {
      storage.read(path.string(), max_bytes);
    } catch (const ReadError& e) {
      return std::pair{e.kind, std::string(e.what())};
    }
    return std::pair{FailureKind::None, std::string()};
  };
  fs::create_directories(tmp / "folder");
  ASSERT_EQ(::mkfifo((tmp / "fifo").c_str(), 0600), 0);
  test::write_bytes(tmp / "big", std::vector<std::uint8_t>(2000, 1));
  EXPECT_EQ(kind_of(tmp / "missing"),
            std::pair(FailureKind::Permanent, std::string("cannot open: No such file or directory")));
  EXPECT_EQ(kind_of(tmp / "folder"), std::pair(FailureKind::Permanent, std::string("is a folder")));
  EXPECT_EQ(kind_of(tmp / "fifo"), std::pair(FailureKind::Permanent, std::string("not a regular file")));
  EXPECT_EQ(kind_of(tmp / "big").first, FailureKind::Permanent);
  EXPECT_EQ(kind_of(tmp / "big", 5000).first, FailureKind::None);
}

}  // namespace
}  // namespace thumbflow::detail
