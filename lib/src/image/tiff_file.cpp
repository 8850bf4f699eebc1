#include "image/tiff_file.hpp"

#include <algorithm>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>

#include "image/byte_order.hpp"
#include "image/decode_error.hpp"

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

std::uint64_t type_bytes(std::uint32_t type) {
  switch (type) {
    case 1:
    case 2:
    case 6:
    case 7:
      return 1;  // BYTE, ASCII, SBYTE, UNDEFINED
    case 3:
    case 8:
      return 2;  // SHORT, SSHORT
    case 4:
    case 9:
    case 11:
    case 13:
      return 4;  // LONG, SLONG, FLOAT, IFD
    case 5:
    case 10:
    case 12:
    case 16:
    case 17:
    case 18:
      return 8;  // RATIONAL ..., DOUBLE, LONG8, IFD8
    default:
      return 0;  // unknown: libtiff skips the tag
  }
}

void check_tag_data(Bytes d) {
  if (d.size() < 16 || d[0] != d[1] || (d[0] != 'I' && d[0] != 'M')) return;  // libtiff says what is wrong
  const bool le = d[0] == 'I';
  const auto u16 = [&](std::uint64_t at) -> std::uint64_t { return le ? le16(d, at) : be16(d, at); };
  const auto u32 = [&](std::uint64_t at) -> std::uint64_t { return le ? le32(d, at) : be32(d, at); };
  const auto u64 = [&](std::uint64_t at) {
    return le ? u32(at) | u32(at + 4) << 32 : u32(at) << 32 | u32(at + 4);
  };
  const bool big = u16(2) == 43;
  if (!big && u16(2) != 42) return;
  const std::uint64_t ifd = big ? u64(8) : u32(4), count_bytes = big ? 8 : 2, entry_bytes = big ? 20 : 12;
  if (ifd > d.size() - count_bytes) return;
  const std::uint64_t entries =
      std::min<std::uint64_t>(big ? u64(ifd) : u16(ifd), (d.size() - ifd - count_bytes) / entry_bytes);
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < entries; ++i) {
    const std::uint64_t e = ifd + count_bytes + i * entry_bytes, size = type_bytes(std::uint32_t(u16(e + 2)));
    const std::uint64_t count = big ? u64(e + 4) : u32(e + 4);
    if (size == 0 || count > d.size() / size || count * size <= (big ? 8 : 4)) continue;  // none, or inline
    total += count * size;
  }
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
