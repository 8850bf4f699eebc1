#include "tiff_maker.hpp"

#include <tiffio.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace thumbflow::test {
namespace {

// Row `y` of the samples in `channels` (one, or all of a pixel), columns x0 .. x0 + cols, as the
// file stores them: whole bytes for 8, 16, 32 and 64 bits, else packed most significant bit first.
std::vector<std::uint8_t> pack(const cv::Mat& samples, int bits, int y, int x0, int cols, int first,
                               int count) {
  const int cn = samples.channels();
  const std::size_t bytes = samples.elemSize1();
  std::vector<std::uint8_t> out((std::size_t(cols) * std::size_t(count) * std::size_t(bits) + 7) / 8 + 8, 0);
  const std::uint8_t* row = samples.ptr(y);
  std::size_t bit = 0, at = 0;
  for (int x = x0; x < x0 + cols; ++x) {
    for (int c = first; c < first + count; ++c) {
      const std::uint8_t* s = row + (std::size_t(x) * std::size_t(cn) + std::size_t(c)) * bytes;
      if (bits == 8 || bits == 16 || bits == 32 || bits == 64) {
        std::memcpy(out.data() + at, s, std::size_t(bits) / 8);
        at += std::size_t(bits) / 8;
        continue;
      }
      std::uint32_t v = bytes == 1 ? *s : *reinterpret_cast<const std::uint16_t*>(s);
      for (int b = bits - 1; b >= 0; --b, ++bit)
        if ((v >> b) & 1u) out[bit / 8] |= std::uint8_t(0x80u >> (bit % 8));
    }
  }
  return out;
}

void write_page(TIFF* tif, const cv::Mat& samples, const TiffSpec& spec) {
  const int spp = samples.channels();
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, std::uint32_t(samples.cols));
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, std::uint32_t(samples.rows));
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, std::uint16_t(spec.bits));
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, std::uint16_t(spp));
  TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, std::uint16_t(spec.format));
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, std::uint16_t(spec.photometric));
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, spec.separate ? PLANARCONFIG_SEPARATE : PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, std::uint16_t(spec.compression));
  if (spec.compression == COMPRESSION_JPEG && spec.photometric == PHOTOMETRIC_YCBCR)
    TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);  // RGB in, subsampled YCbCr stored
  if (!spec.extra.empty())
    TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, std::uint16_t(spec.extra.size()), spec.extra.data());
  if (spec.orientation != 0) TIFFSetField(tif, TIFFTAG_ORIENTATION, std::uint16_t(spec.orientation));
  if (spec.white_point.size() == 2) TIFFSetField(tif, TIFFTAG_WHITEPOINT, spec.white_point.data());
  if (spec.dng_version) {
    static const std::uint8_t version[4] = {1, 4, 0, 0};
    TIFFSetField(tif, TIFFTAG_DNGVERSION, version);
  }
  if (!spec.icc.empty())
    TIFFSetField(tif, TIFFTAG_ICCPROFILE, std::uint32_t(spec.icc.size()), spec.icc.data());
  if (!spec.colormap.empty()) {
    const std::size_t n = spec.colormap.size() / 3;
    TIFFSetField(tif, TIFFTAG_COLORMAP, spec.colormap.data(), spec.colormap.data() + n,
                 spec.colormap.data() + 2 * n);
  }
  const int planes = spec.separate ? spp : 1, per_plane = spec.separate ? 1 : spp;
  if (spec.tile > 0) {
    TIFFSetField(tif, TIFFTAG_TILEWIDTH, std::uint32_t(spec.tile));
    TIFFSetField(tif, TIFFTAG_TILELENGTH, std::uint32_t(spec.tile));
    std::vector<std::uint8_t> tile(std::size_t(TIFFTileSize(tif)));
    const std::size_t row_bytes = std::size_t(TIFFTileRowSize(tif));
    for (int p = 0; p < planes; ++p)
      for (int y0 = 0; y0 < samples.rows; y0 += spec.tile)
        for (int x0 = 0; x0 < samples.cols; x0 += spec.tile) {
          std::fill(tile.begin(), tile.end(), 0);
          const int cols = std::min(spec.tile, samples.cols - x0);
          for (int r = 0; r < spec.tile && y0 + r < samples.rows; ++r) {
            const auto row = pack(samples, spec.bits, y0 + r, x0, cols, spec.separate ? p : 0, per_plane);
            std::memcpy(tile.data() + std::size_t(r) * row_bytes, row.data(),
                        std::min(row_bytes, row.size()));
          }
          if (TIFFWriteTile(tif, tile.data(), std::uint32_t(x0), std::uint32_t(y0), 0, std::uint16_t(p)) < 0)
            throw std::runtime_error("libtiff cannot write a tile");
        }
  } else {
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, std::uint32_t(spec.rows_per_strip));
    for (int p = 0; p < planes; ++p)
      for (int y = 0; y < samples.rows; ++y) {
        auto row = pack(samples, spec.bits, y, 0, samples.cols, spec.separate ? p : 0, per_plane);
        if (TIFFWriteScanline(tif, row.data(), std::uint32_t(y), std::uint16_t(p)) < 0)
          throw std::runtime_error("libtiff cannot write a row");
      }
  }
  if (!TIFFWriteDirectory(tif)) throw std::runtime_error("libtiff cannot write a directory");
}

}  // namespace

std::vector<std::uint8_t> make_tiff(const cv::Mat& samples, const TiffSpec& spec) {
  char path[] = "/tmp/thumbflow-tiff-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("cannot make a temporary file");
  close(fd);
  TIFF* tif = TIFFOpen(path, spec.big_tiff ? "w8" : "w");
  if (tif == nullptr) {
    std::remove(path);
    throw std::runtime_error("libtiff cannot open a temporary file");
  }
  try {
    for (int page = 0; page < spec.pages; ++page)
      write_page(tif, page == 0 ? samples : cv::Mat(samples.size() / 2, samples.type(), cv::Scalar::all(0)),
                 spec);
  } catch (...) {
    TIFFClose(tif);
    std::remove(path);
    throw;
  }
  TIFFClose(tif);
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path);
  return bytes;
}

}  // namespace thumbflow::test
