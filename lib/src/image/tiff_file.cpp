#include "image/tiff_file.hpp"

#include <algorithm>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "image/decode_error.hpp"
#include "image/tiff_ifd.hpp"

namespace thumbflow::detail {
namespace {

constexpr std::size_t kMaxWarnings = 5;

// One line of libtiff's printf-style message, starting lower case like the item's other reasons.
std::string format_line(const char* fmt, va_list ap) {
  char text[512];
  std::vsnprintf(text, sizeof text, fmt, ap);
  std::string line(text);
  std::replace_if(
      line.begin(), line.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  while (!line.empty() && line.back() == ' ') line.pop_back();
  if (line.size() > 1 && std::isupper(static_cast<unsigned char>(line[0])) &&
      std::islower(static_cast<unsigned char>(line[1])))
    line[0] = char(std::tolower(static_cast<unsigned char>(line[0])));
  return line;
}

// The handlers return 1: libtiff then calls no process-wide handler (which would print).
int on_error(TIFF*, void* user, const char*, const char* fmt, va_list ap) {
  auto* messages = static_cast<TiffFile::Messages*>(user);
  if (messages->error.empty()) messages->error = format_line(fmt, ap);
  return 1;
}

int on_warning(TIFF*, void* user, const char*, const char* fmt, va_list ap) {
  auto* messages = static_cast<TiffFile::Messages*>(user);
  std::string line = format_line(fmt, ap);
  if (line.find("nknown field with tag") != std::string::npos ||
      line.find("tag ignored") != std::string::npos)
    return 1;
  auto& w = messages->warnings;
  if (w.size() < kMaxWarnings && std::find(w.begin(), w.end(), line) == w.end()) w.push_back(std::move(line));
  return 1;
}

// libtiff reads every tag of the first directory into memory when it opens a file, unknown ones
// included, each up to the file's size: a few thousand tags pointing at the same megabyte make a
// 1 MB file take gigabytes (2000 such tags: 2 GB) before a pixel is read. The data of real tags
// does not overlap, so all of it fits in the file; a little slack for writers that share a small
// array between two tags. A tag claiming more than the file is refused by libtiff itself.
constexpr std::uint64_t kTagSlack = 1u << 20;

void check_tag_data(Bytes d) {
  const std::optional<TiffDirectory> dir = read_first_tiff_directory(d);
  if (!dir) return;  // libtiff says what is wrong
  std::uint64_t total = 0;
  for (const TiffEntry& entry : dir->entries)
    if (!entry.in_entry) total += entry.size;  // an oversized one (size 0) is refused by libtiff
  if (total > d.size() + kTagSlack)
    throw DecodeError("cannot decode TIFF: the tags of its first directory hold " + std::to_string(total) +
                      " bytes, more than the whole file (" + std::to_string(d.size()) + " bytes)");
}

using Memory = TiffFile::Memory;

tmsize_t read_proc(thandle_t handle, void* buffer, tmsize_t size) {
  auto* m = static_cast<Memory*>(handle);
  if (size <= 0 || m->at >= m->data.size()) return 0;
  const std::size_t n = std::min<std::uint64_t>(std::uint64_t(size), m->data.size() - m->at);
  std::memcpy(buffer, m->data.data() + m->at, n);
  m->at += n;
  return tmsize_t(n);
}

tmsize_t write_proc(thandle_t, void*, tmsize_t) { return -1; }

toff_t seek_proc(thandle_t handle, toff_t offset, int whence) {
  auto* m = static_cast<Memory*>(handle);
  const std::uint64_t base = whence == SEEK_CUR ? m->at : whence == SEEK_END ? m->data.size() : 0;
  m->at = base + offset;  // past the end is allowed; reads there return nothing
  return m->at;
}

int close_proc(thandle_t) { return 0; }

toff_t size_proc(thandle_t handle) { return static_cast<Memory*>(handle)->data.size(); }

// The bytes are already in memory: libtiff reads uncompressed strips straight from them.
int map_proc(thandle_t handle, void** base, toff_t* size) {
  auto* m = static_cast<Memory*>(handle);
  *base = const_cast<std::uint8_t*>(m->data.data());
  *size = m->data.size();
  return 1;
}

void unmap_proc(thandle_t, void*, toff_t) {}

struct OptionsDeleter {
  void operator()(TIFFOpenOptions* o) const { TIFFOpenOptionsFree(o); }
};

}  // namespace

TiffFile::TiffFile(Bytes data) : memory_{data, 0} {
  check_tag_data(data);
  const std::unique_ptr<TIFFOpenOptions, OptionsDeleter> options(TIFFOpenOptionsAlloc());
  if (!options) throw DecodeError("cannot decode TIFF: out of memory");
  TIFFOpenOptionsSetErrorHandlerExtR(options.get(), on_error, &messages_);
  TIFFOpenOptionsSetWarningHandlerExtR(options.get(), on_warning, &messages_);
  tif_ = TIFFClientOpenExt("TIFF", "r", static_cast<thandle_t>(&memory_), read_proc, write_proc, seek_proc,
                           close_proc, size_proc, map_proc, unmap_proc, options.get());
  if (tif_ == nullptr) fail("cannot read its first directory");
}

TiffFile::~TiffFile() {
  if (tif_ != nullptr) TIFFClose(tif_);
}

void TiffFile::fail(const std::string& what) const {
  throw DecodeError("cannot decode TIFF: " + (messages_.error.empty() ? what : messages_.error));
}

}  // namespace thumbflow::detail
