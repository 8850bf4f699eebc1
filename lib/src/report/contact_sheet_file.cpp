// Saving the contact sheet: completing what the report lacks from the files, refusing to replace
// an image, and the atomic write.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "core/safe_path.hpp"
#include "image/format.hpp"
#include "image/header.hpp"
#include "io/storage.hpp"
#include "report/contact_sheet_tag.hpp"
#include "thumbflow/report.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow {
namespace {
namespace fs = std::filesystem;

// Most headers are in the first 64 KB; a JPEG's SOF can come after a large EXIF block (its
// embedded preview) or ICC profile, so a second try reads more. Never the whole file: a re-run
// that skips thousands of big originals must not read them all for the page.
constexpr std::size_t kHeadBytes[] = {64 * 1024, 1024 * 1024};

std::vector<std::uint8_t> read_head(const std::string& path, std::size_t max_bytes) {
  std::vector<std::uint8_t> head(max_bytes);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(head.data()), std::streamsize(head.size()));
  head.resize(in ? head.size() : std::size_t(std::max<std::streamsize>(0, in.gcount())));
  return head;
}

// Size stored in the image's header and its orientation, or 0x0 when it cannot be read.
detail::ImageHeader header_of(const std::string& path) {
  for (const std::size_t bytes : kHeadBytes) {
    const std::vector<std::uint8_t> head = read_head(path, bytes);
    try {
      const detail::ImageFormat format = detail::sniff_format(head);
      if (!detail::is_readable(format)) return {};
      const detail::ImageHeader header = detail::read_header(head, format);
      if (header.size.width > 0) return header;
    } catch (const std::exception&) {
    }
    if (head.size() < bytes) return {};  // the whole file was read
  }
  return {};
}

// Skipped items (thumbnail already up to date) were never opened by the batch, so the report has
// no sizes for them; the page shows them like the others.
void complete_from_files(ItemResult& r) {
  if (r.status != ItemStatus::Done && r.status != ItemStatus::Skipped) return;
  if (r.out_size.width == 0 && !r.output.empty()) r.out_size = header_of(r.output).size;
  for (OutputResult& o : r.outputs)
    if (o.status == ItemStatus::Skipped && o.out_size.width == 0) o.out_size = header_of(o.output).size;
  if (is_remote(r.input)) return;
  if (r.in_size.width == 0) {
    const detail::ImageHeader header = header_of(r.input);
    r.in_size = header.size;
    r.orientation = header.orientation;
  }
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(r.input, ec);
  if (r.bytes_in == 0 && !ec) r.bytes_in = size;
}

// The page must not replace an input or a thumbnail: the same path once normalised (asked of the
// file system only for images of the page's file name), or the same file (one stat per image,
// when the page exists).
void refuse_images(const BatchReport& report, const std::string& path) {
  const std::string page = detail::normalised_path(path);
  const fs::path page_name = fs::path(path).filename();
  struct stat page_file {};
  const bool page_exists = ::stat(path.c_str(), &page_file) == 0;
  for (const ItemResult& r : report.items) {
    std::vector<const std::string*> images = {&r.input, &r.output};
    for (const OutputResult& o : r.outputs) images.push_back(&o.output);
    for (const std::string* image : images) {
      if (image->empty() || is_remote(*image)) continue;
      struct stat file {};
      const bool same_path =
          fs::path(*image).filename() == page_name && detail::normalised_path(*image) == page;
      const bool same_file = page_exists && ::stat(image->c_str(), &file) == 0 &&
                             file.st_dev == page_file.st_dev && file.st_ino == page_file.st_ino;
      if (same_path || same_file)
        throw std::runtime_error("contact sheet " + path + " would replace " + *image +
                                 "; choose another --html file");
    }
  }
}

}  // namespace

void write_contact_sheet(const BatchReport& report, const std::string& path) {
  refuse_images(report, path);
  BatchReport completed = report;
  for (ItemResult& r : completed.items) complete_from_files(r);
  const std::string page = contact_sheet_html(completed, fs::path(path).parent_path().string());
  try {
    detail::disk_storage().write_atomic(path,
                                        {reinterpret_cast<const std::uint8_t*>(page.data()), page.size()});
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot write contact sheet " + path + ": " + e.what());
  }
}

bool is_contact_sheet(const std::string& path) {
  const std::vector<std::uint8_t> head = read_head(path, 2048);
  const std::string text(head.begin(), head.end());
  return text.find(std::string("<meta name=\"generator\" content=\"") + detail::kContactSheetTag) !=
         std::string::npos;
}

}  // namespace thumbflow
