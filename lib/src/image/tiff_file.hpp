// A TIFF read by libtiff from the bytes in memory, its messages kept for the item being decoded.
#pragma once

#include <tiffio.h>

#include <string>
#include <vector>

#include "image/format.hpp"

namespace thumbflow::detail {

// Opens the first directory of the TIFF in `data` (which must outlive the object). libtiff's
// errors and warnings go to this object through the handle's own handlers (TIFFOpenOptions), never
// to stderr or to another thread's file. Throws DecodeError("cannot decode TIFF: <libtiff's
// reason>") when the header or the first directory cannot be read.
class TiffFile {
 public:
  explicit TiffFile(Bytes data);
  ~TiffFile();
  TiffFile(const TiffFile&) = delete;
  TiffFile& operator=(const TiffFile&) = delete;

  TIFF* get() const { return tif_; }
  // Throws DecodeError("cannot decode TIFF: <the first error libtiff reported, else `what`>").
  [[noreturn]] void fail(const std::string& what) const;
  // What libtiff warned about, one line each (unknown and mistyped private tags left out: every
  // Photoshop or camera file has some), at most a few.
  std::vector<std::string> take_warnings() { return std::move(messages_.warnings); }

  struct Messages {
    std::string error;
    std::vector<std::string> warnings;
  };
  struct Memory {  // what libtiff's read, seek and map procedures work on
    Bytes data;
    std::uint64_t at = 0;
  };

 private:
  Memory memory_;
  Messages messages_;
  TIFF* tif_ = nullptr;
};

}  // namespace thumbflow::detail
