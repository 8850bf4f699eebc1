// Test storage: the real disk, except that writes of names holding `fail_substring` fail as on a
// full disk. Tests derive from it to count or watch the calls they care about.
#pragma once

#include <stdexcept>
#include <string>

#include "io/storage.hpp"

namespace thumbflow::detail {

class DiskBackedStorage : public Storage {
 public:
  std::vector<std::uint8_t> read(const std::string& path, std::uint64_t max_bytes) override {
    return disk_storage().read(path, max_bytes);
  }
  void write_atomic(const std::string& path, std::span<const std::uint8_t> bytes) override {
    if (path.find(fail_substring) != std::string::npos) throw std::runtime_error("No space left on device");
    disk_storage().write_atomic(path, bytes);
  }
  std::optional<std::filesystem::file_time_type> modified(const std::string& p) override {
    return disk_storage().modified(p);
  }
  void remove(const std::string& p) override { disk_storage().remove(p); }
  void flush(const std::string& root) override { disk_storage(false).flush(root); }
  void sync(const std::vector<std::string>& paths, const std::vector<std::string>& roots) override {
    disk_storage(false).sync(paths, roots);
  }
  std::uint64_t unwritten_bytes() override { return unwritten; }
  std::uint64_t unwritten = 0;  // what the machine is said to hold unwritten
  bool exists(const std::string& p) override { return disk_storage().exists(p); }
  bool same_file(const std::string& a, const std::string& b) override {
    return disk_storage().same_file(a, b);
  }

  std::string fail_substring = "\x01never";
};

}  // namespace thumbflow::detail
