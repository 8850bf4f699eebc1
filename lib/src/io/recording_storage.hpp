// A Storage that hands every call on to another and remembers what was written through it (the
// final names and how many bytes), so that a batch can make exactly its own files durable.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "io/storage.hpp"

namespace thumbflow::detail {

class RecordingStorage final : public Storage {
 public:
  explicit RecordingStorage(Storage& inner) : inner_(inner) {}

  std::vector<std::uint8_t> read(const std::string& path, std::uint64_t max_bytes) override {
    return inner_.read(path, max_bytes);
  }
  std::vector<std::uint8_t> read_image(const std::string& path, std::uint64_t max_bytes,
                                       const HeadCheck& check_head) override {
    return inner_.read_image(path, max_bytes, check_head);
  }
  // Every later write first calls `wait`, which may throw (then that write does not happen). Set
  // before writes can come from other threads.
  void hold_writes_on(std::function<void()> wait) { hold_ = std::move(wait); }

  void write_atomic(const std::string& path, std::span<const std::uint8_t> bytes) override {
    if (hold_) hold_();
    inner_.write_atomic(path, bytes);
    note(path, bytes.size());
  }
  void write_atomic_under(const std::string& root, const std::string& relative,
                          std::span<const std::uint8_t> bytes) override {
    if (hold_) hold_();
    inner_.write_atomic_under(root, relative, bytes);
    note((std::filesystem::path(root) / relative).string(), bytes.size());
  }
  bool exists(const std::string& path) override { return inner_.exists(path); }
  std::optional<std::filesystem::file_time_type> modified(const std::string& path) override {
    return inner_.modified(path);
  }
  void remove(const std::string& path) override { inner_.remove(path); }
  void flush(const std::string& root) override { inner_.flush(root); }
  void sync(const std::vector<std::string>& paths, const std::vector<std::string>& roots) override {
    inner_.sync(paths, roots);
  }
  std::uint64_t unwritten_bytes() override { return inner_.unwritten_bytes(); }
  bool same_file(const std::string& a, const std::string& b) override { return inner_.same_file(a, b); }

  // Every name written so far, once each.
  std::vector<std::string> written() const {
    const std::lock_guard lock(mutex_);
    return {paths_.begin(), paths_.end()};
  }
  std::uint64_t bytes_written() const {
    const std::lock_guard lock(mutex_);
    return bytes_;
  }

 private:
  void note(const std::string& path, std::size_t bytes) {
    const std::lock_guard lock(mutex_);
    bytes_ += bytes;
    paths_.insert(path);
  }

  Storage& inner_;
  std::function<void()> hold_;
  mutable std::mutex mutex_;
  std::unordered_set<std::string> paths_;
  std::uint64_t bytes_ = 0;
};

}  // namespace thumbflow::detail
