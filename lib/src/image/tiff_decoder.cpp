#include "image/tiff_decoder.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <type_traits>
#include <vector>

#include "colour/icc_extract.hpp"
#include "colour/lab.hpp"
#include "image/alpha.hpp"
#include "image/decode_error.hpp"
#include "image/pixel_limit.hpp"
#include "image/png_decoder.hpp"  // png_block_factor: the same block rule
#include "image/tiff_file.hpp"
#include "image/tiff_samples.hpp"

namespace thumbflow::detail {
namespace {

// A strip that decodes to more than this is read a row at a time (contiguous files), so that a
// single-strip compressed scan does not need a second copy of itself.
constexpr std::uint64_t kMaxBlockBytes = 32u << 20;
constexpr std::size_t kSlack = 4;  // bytes past a row the packed-sample reader may look at

template <typename T>
T tag(TIFF* tif, ttag_t id) {
  T v{};
  TIFFGetFieldDefaulted(tif, id, &v);
  return v;
}

// The first directory as far as decoding needs it.
struct Layout {
  std::uint32_t width = 0, height = 0;
  SampleKind kind;
  int samples = 1, photometric = PHOTOMETRIC_MINISBLACK, colour = 1;
  bool separate = false, alpha = false, cmyk = false, palette = false, lab = false;
  int alpha_kind = EXTRASAMPLE_UNSPECIFIED;
};

[[noreturn]] void unsupported(const std::string& what) { throw DecodeError("unsupported TIFF: " + what); }

[[noreturn]] void unsupported_samples(const Layout& l) {
  const std::string bits = std::to_string(l.kind.bits) + "-bit ";
  const char* kinds[] = {"",
                         "unsigned integer",
                         "signed integer",
                         "floating-point",
                         "untyped (SampleFormat 4)",
                         "complex-number",
                         "complex-number"};
  const int f = l.kind.format;
  unsupported(
      (f == 4 || f == 5 || f == 6 ? std::string() : bits) + (f >= 1 && f <= 6 ? kinds[f] : "unknown") +
      " samples (thumbflow reads 1-16 and 32-bit integer and 16, 32 and 64-bit floating-point TIFFs)");
}

// Whether the samples can be read by the direct path (else libtiff's RGBA reader is asked).
bool direct(TIFF* tif, Layout& l) {
  const int compression = tag<std::uint16_t>(tif, TIFFTAG_COMPRESSION);
  if (compression == COMPRESSION_OJPEG) return false;
  switch (l.photometric) {
    case PHOTOMETRIC_MINISWHITE:
    case PHOTOMETRIC_MINISBLACK:
      l.colour = 1;
      return true;
    case PHOTOMETRIC_PALETTE:
      l.colour = 1;
      l.palette = true;
      return true;
    case PHOTOMETRIC_RGB:
      l.colour = 3;
      return true;
    case PHOTOMETRIC_SEPARATED:
      if (tag<std::uint16_t>(tif, TIFFTAG_INKSET) != INKSET_CMYK)
        unsupported("separated colour with inks other than CMYK (InkSet " +
                    std::to_string(tag<std::uint16_t>(tif, TIFFTAG_INKSET)) + ")");
      l.colour = 4;
      l.cmyk = true;
      return true;
    case PHOTOMETRIC_CIELAB:
    case PHOTOMETRIC_ICCLAB:
      // Converted with lcms2 after reading. libtiff's RGBA reader (still used for other sample
      // kinds) takes a D50 white through the D65 sRGB matrix with a plain 2.4 power curve: grey
      // 128 came out 132 and 8-bit whites tinted.
      if (l.kind.format != SAMPLEFORMAT_UINT || (l.kind.bits != 8 && l.kind.bits != 16)) return false;
      l.colour = 3;
      l.lab = true;
      return true;
    case PHOTOMETRIC_YCBCR:  // libjpeg converts JPEG-compressed YCbCr (and its subsampling) to RGB
      if (compression != COMPRESSION_JPEG || l.separate) return false;
      TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
      l.colour = 3;
      return true;
    default:
      return false;
  }
}

Layout read_layout(const TiffFile& file) {
  TIFF* tif = file.get();
  Layout l;
  TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &l.width);
  TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &l.height);
  l.kind = {tag<std::uint16_t>(tif, TIFFTAG_BITSPERSAMPLE), tag<std::uint16_t>(tif, TIFFTAG_SAMPLEFORMAT)};
  l.samples = tag<std::uint16_t>(tif, TIFFTAG_SAMPLESPERPIXEL);
  std::uint16_t photometric = PHOTOMETRIC_MINISBLACK;
  TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric);
  l.photometric = photometric;
  l.separate = tag<std::uint16_t>(tif, TIFFTAG_PLANARCONFIG) == PLANARCONFIG_SEPARATE;
  std::uint16_t count = 0;
  std::uint16_t* kinds = nullptr;
  if (TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, &count, &kinds) && count > 0) l.alpha_kind = kinds[0];
  if (l.width == 0 || l.height == 0 || l.width > INT_MAX || l.height > INT_MAX)
    file.fail("unusable image size " + std::to_string(l.width) + "x" + std::to_string(l.height));
  return l;
}

LabEncoding lab_encoding(TIFF* tif) {
  LabEncoding e;
  float* white = nullptr;
  if (TIFFGetField(tif, TIFFTAG_WHITEPOINT, &white) && white != nullptr && white[0] > 0 && white[1] > 0 &&
      white[0] + white[1] < 1) {
    e.white_x = white[0];
    e.white_y = white[1];
  }
  return e;
}

// Checks the samples the direct path will read and settles alpha.
void settle_samples(const TiffFile& file, Layout& l) {
  const int f = l.kind.format, b = l.kind.bits;
  const bool ok = (f == SAMPLEFORMAT_UINT && ((b >= 1 && b <= 16) || b == 32)) ||
                  (f == SAMPLEFORMAT_INT && (b == 8 || b == 16 || b == 32)) ||
                  (f == SAMPLEFORMAT_IEEEFP && (b == 16 || b == 32 || b == 64));
  if (!ok) unsupported_samples(l);
  if (l.cmyk && !(f == SAMPLEFORMAT_UINT && b <= 16))
    unsupported(std::to_string(b) + "-bit non-integer CMYK");
  if (l.palette && !(f == SAMPLEFORMAT_UINT && b <= 16))
    unsupported(std::to_string(b) + "-bit palette indexes");
  if (l.samples < l.colour)
    file.fail(std::to_string(l.samples) + " samples per pixel, fewer than its colours need (" +
              std::to_string(l.colour) + ")");
  l.alpha = l.samples > l.colour;
}

// Where each output channel (BGR order, alpha last) comes from: sample indexes within a pixel.
std::vector<ChannelSource> channel_sources(const Layout& l) {
  std::vector<int> samples;
  if (l.lab)
    samples = {0, 1, 2};  // L, a, b: to BGR after reading
  else if (l.colour == 3)
    samples = {2, 1, 0};
  else if (l.cmyk)
    samples = {0, 1, 2, 3};
  else if (l.palette || l.alpha)
    samples = {0, 0, 0};  // colour from the palette, or grey spread to BGR beside alpha
  else
    samples = {0};
  if (l.alpha) samples.push_back(l.colour);
  std::vector<ChannelSource> sources;
  for (const int s : samples)
    sources.push_back(l.separate ? ChannelSource{s, 0, 1}
                                 : ChannelSource{0, std::size_t(s), std::size_t(l.samples)});
  return sources;
}

// Reads the image block by block (strips, tiles, or rows of a huge strip) and hands each row of
// each block, as pointers into the planes it needs, to `row(y, x, cols, planes)`.
template <typename Row>
void read_blocks(const TiffFile& file, const Layout& l, Row row) {
  TIFF* tif = file.get();
  const bool tiled = TIFFIsTiled(tif) != 0;
  std::uint32_t bw = l.width, bh = 0;
  std::uint64_t block_bytes = 0;
  if (tiled) {
    TIFFGetField(tif, TIFFTAG_TILEWIDTH, &bw);
    TIFFGetField(tif, TIFFTAG_TILELENGTH, &bh);
    block_bytes = std::uint64_t(TIFFTileSize64(tif));
  } else {
    bh = std::min(tag<std::uint32_t>(tif, TIFFTAG_ROWSPERSTRIP), l.height);
    block_bytes = std::uint64_t(TIFFStripSize64(tif));
  }
  const bool by_row = !tiled && !l.separate && block_bytes > kMaxBlockBytes;
  if (by_row) {
    bh = 1;
    block_bytes = std::uint64_t(TIFFScanlineSize64(tif));
  }
  const std::uint64_t per_row = l.separate ? 1 : std::uint64_t(l.samples);
  const std::uint64_t row_bytes = (std::uint64_t(bw) * per_row * std::uint64_t(l.kind.bits) + 7) / 8;
  if (bw == 0 || bh == 0 || block_bytes == 0 || row_bytes * bh > block_bytes)
    file.fail("unusable strip or tile layout");
  // A tile may overhang the picture, but a hostile one (65536 x 65536 over a few pixels) would
  // ask for gigabytes before a byte is read.
  const std::uint64_t image_bytes =
      (std::uint64_t(l.width) * std::uint64_t(l.samples) * std::uint64_t(l.kind.bits) + 7) / 8 * l.height;
  if (block_bytes > std::max<std::uint64_t>(16u << 20, 4 * image_bytes))
    file.fail(std::string(tiled ? "tiles" : "strips") + " of " + std::to_string(block_bytes) +
              " bytes, far larger than the picture");

  // The planes each row needs: all of a contiguous block's samples are in plane 0.
  std::vector<int> planes = {0};
  if (l.separate) {
    planes.clear();
    for (const ChannelSource& s : channel_sources(l))
      if (std::find(planes.begin(), planes.end(), s.plane) == planes.end()) planes.push_back(s.plane);
  }
  const int top_plane = *std::max_element(planes.begin(), planes.end());
  std::vector<std::vector<std::uint8_t>> buffers(std::size_t(top_plane) + 1);
  for (const int p : planes) buffers[std::size_t(p)].resize(std::size_t(block_bytes) + kSlack);
  std::vector<const std::uint8_t*> pointers(buffers.size(), nullptr);

  for (std::uint32_t y0 = 0; y0 < l.height; y0 += bh) {
    const std::uint32_t rows = std::min(bh, l.height - y0);
    for (std::uint32_t x0 = 0; x0 < l.width; x0 += bw) {
      for (const int p : planes) {
        void* buffer = buffers[std::size_t(p)].data();
        const auto plane = std::uint16_t(p);
        tmsize_t got = 0;
        if (by_row)
          got = TIFFReadScanline(tif, buffer, y0, 0) == 1 ? tmsize_t(row_bytes) : -1;
        else if (tiled)
          got =
              TIFFReadEncodedTile(tif, TIFFComputeTile(tif, x0, y0, 0, plane), buffer, tmsize_t(block_bytes));
        else
          got = TIFFReadEncodedStrip(tif, TIFFComputeStrip(tif, y0, plane), buffer, tmsize_t(block_bytes));
        if (got < 0 || std::uint64_t(got) < row_bytes * (tiled ? bh : rows))
          file.fail(std::string(tiled ? "tile" : "strip") + " at row " + std::to_string(y0) + " is short");
      }
      const int cols = int(std::min(bw, l.width - x0));
      for (std::uint32_t r = 0; r < rows; ++r) {
        for (const int p : planes) pointers[std::size_t(p)] = buffers[std::size_t(p)].data() + r * row_bytes;
        row(int(y0 + r), int(x0), cols, pointers.data());
      }
    }
  }
}

// Sums k rows of samples and writes the means of their k x k blocks, as png_decoder's
// read_block_means does (the last block row and column hold what is left; the pipeline's extent,
// stored / k, weighs them).
template <typename T>
class BlockMeans {
 public:
  BlockMeans(cv::Mat& out, int width, int channels, int k)
      : out_(out),
        width_(width),
        channels_(channels),
        k_(k),
        sums_(std::size_t(width) * std::size_t(channels)) {}

  void add(const T* row) {
    for (std::size_t i = 0; i < sums_.size(); ++i) sums_[i] += row[i];
    if (++rows_ == k_) flush();
  }

  // Writes the last, shorter block row if rows are left.
  void flush() {
    if (rows_ == 0) return;
    T* out = out_.ptr<T>(y_++);
    for (int x0 = 0; x0 < width_; x0 += k_) {
      const int x1 = std::min(width_, x0 + k_);
      const auto count = Sum((x1 - x0) * rows_);
      for (int c = 0; c < channels_; ++c) {
        Sum sum = 0;
        for (int x = x0; x < x1; ++x) sum += sums_[std::size_t(x) * std::size_t(channels_) + std::size_t(c)];
        if constexpr (std::is_floating_point_v<T>)
          *out++ = T(sum / count);
        else
          *out++ = T((sum + count / 2) / count);
      }
    }
    std::fill(sums_.begin(), sums_.end(), Sum{0});
    rows_ = 0;
  }

 private:
  using Sum = std::conditional_t<std::is_floating_point_v<T>, double, std::uint64_t>;
  cv::Mat& out_;
  int width_, channels_, k_, rows_ = 0, y_ = 0;
  std::vector<Sum> sums_;
};

// The pixels, `channels` of T, filled row by row by convert(planes, cols, out); with k > 1 (strips
// only: their rows come in order and whole) the means of k x k blocks, one row of full size held.
template <typename T, typename Convert>
cv::Mat read_pixels(const TiffFile& file, const Layout& l, int channels, int k, Convert convert) {
  const int type = CV_MAKETYPE(cv::DataDepth<T>::value, channels);
  const auto cn = std::size_t(channels);
  if (k <= 1) {
    cv::Mat out = allocate_pixels(int(l.height), int(l.width), type, "TIFF");
    read_blocks(file, l, [&](int y, int x, int cols, const std::uint8_t* const* planes) {
      convert(planes, cols, out.ptr<T>(y) + std::size_t(x) * cn);
    });
    return out;
  }
  const int w = int(l.width), h = int(l.height);
  cv::Mat out = allocate_pixels((h + k - 1) / k, (w + k - 1) / k, type, "TIFF");
  std::vector<T> row(std::size_t(w) * cn);
  BlockMeans<T> means(out, w, channels, k);
  read_blocks(file, l, [&](int, int, int cols, const std::uint8_t* const* planes) {
    convert(planes, cols, row.data());
    means.add(row.data());
  });
  means.flush();
  return out;
}

// The palette as 8-bit lookup tables for B, G and R: 16-bit entries, or 8-bit ones from writers
// that never scaled them (all entries below 256, as libtiff's RGBA reader decides).
std::vector<std::vector<std::uint8_t>> palette_luts(const TiffFile& file, int bits) {
  std::uint16_t *r = nullptr, *g = nullptr, *b = nullptr;
  if (!TIFFGetField(file.get(), TIFFTAG_COLORMAP, &r, &g, &b))
    file.fail("palette image without a colour map");
  const std::size_t n = std::size_t(1) << bits;
  const bool eight = std::all_of(r, r + n, [](auto v) { return v < 256; }) &&
                     std::all_of(g, g + n, [](auto v) { return v < 256; }) &&
                     std::all_of(b, b + n, [](auto v) { return v < 256; });
  std::vector<std::vector<std::uint8_t>> luts(3, std::vector<std::uint8_t>(n));
  const std::uint16_t* maps[] = {b, g, r};
  for (std::size_t c = 0; c < 3; ++c)
    for (std::size_t i = 0; i < n; ++i)
      luts[c][i] = std::uint8_t(eight ? maps[c][i] : (maps[c][i] + 128u) / 257u);
  return luts;
}

// Integer samples of up to 16 bits, through lookup tables, to T.
template <typename T>
cv::Mat read_integers(const TiffFile& file, const Layout& l, int k) {
  const std::vector<ChannelSource> sources = channel_sources(l);
  const int bits = l.kind.bits;
  const bool is_signed = l.kind.format == SAMPLEFORMAT_INT;
  const std::vector<T> colour = scale_lut<T>(bits, is_signed, l.photometric == PHOTOMETRIC_MINISWHITE);
  const std::vector<T> plain = scale_lut<T>(bits, is_signed, false);
  std::vector<std::vector<T>> palette;
  if constexpr (sizeof(T) == 1)
    if (l.palette) palette = palette_luts(file, bits);
  // CIELab's signed a and b become offset values (0 at half the range), which average.
  const bool signed_ab = l.lab && l.photometric == PHOTOMETRIC_CIELAB;
  const std::vector<T> offset = signed_ab ? scale_lut<T>(bits, true, false) : std::vector<T>();
  std::vector<LutChannel<T>> channels;
  for (std::size_t c = 0; c < sources.size(); ++c) {
    const bool alpha = l.alpha && c + 1 == sources.size(), ab = signed_ab && (c == 1 || c == 2);
    channels.push_back({sources[c], alpha              ? &plain
                                    : ab               ? &offset
                                    : !palette.empty() ? &palette[c]
                                                       : &colour});
  }
  return read_pixels<T>(file, l, int(channels.size()), k,
                        [&](const std::uint8_t* const* planes, int cols, T* out) {
                          convert_row(channels, bits, planes, cols, out);
                        });
}

cv::Mat read_floats(const TiffFile& file, const Layout& l, int k) {
  std::vector<FloatChannel> channels;
  for (const ChannelSource& s : channel_sources(l))
    channels.push_back({s, l.photometric == PHOTOMETRIC_MINISWHITE});
  if (l.alpha) channels.back().invert = false;
  return read_pixels<float>(file, l, int(channels.size()), k,
                            [&](const std::uint8_t* const* planes, int cols, float* out) {
                              convert_row(channels, l.kind, planes, cols, out);
                            });
}

// YCbCr (not JPEG-compressed), CIE L*a*b* of other sample kinds, LogLuv, old-style JPEG: libtiff's RGBA
// reader, a band of strips or tiles at a time, with the file's orientation asked for so that nothing is
// turned.
cv::Mat read_rgba(const TiffFile& file, const Layout& l, bool& premultiplied) {
  TIFF* tif = file.get();
  char reason[1024] = "";
  if (!TIFFRGBAImageOK(tif, reason)) unsupported(reason);
  TIFFRGBAImage image{};
  if (!TIFFRGBAImageBegin(&image, tif, 0, reason)) file.fail(reason);
  struct End {
    TIFFRGBAImage* image;
    ~End() { TIFFRGBAImageEnd(image); }
  } end{&image};
  image.req_orientation = image.orientation;
  const bool alpha = image.alpha != 0;
  premultiplied = alpha && l.alpha_kind != EXTRASAMPLE_UNSPECIFIED;
  std::uint32_t band = 0;
  if (TIFFIsTiled(tif))
    TIFFGetField(tif, TIFFTAG_TILELENGTH, &band);
  else
    band = tag<std::uint32_t>(tif, TIFFTAG_ROWSPERSTRIP);
  band = std::clamp<std::uint32_t>(band, 1,
                                   std::max<std::uint32_t>(1, std::uint32_t(kMaxBlockBytes / 4 / l.width)));
  cv::Mat out = allocate_pixels(int(l.height), int(l.width), alpha ? CV_8UC4 : CV_8UC3, "TIFF");
  std::vector<std::uint32_t> raster(std::size_t(l.width) * band);
  for (std::uint32_t y0 = 0; y0 < l.height; y0 += band) {
    const std::uint32_t rows = std::min(band, l.height - y0);
    image.row_offset = int(y0);
    if (!TIFFRGBAImageGet(&image, raster.data(), l.width, rows))
      file.fail("cannot read rows from " + std::to_string(y0));
    for (std::uint32_t r = 0; r < rows; ++r) {
      const cv::Mat rgba(1, int(l.width), CV_8UC4, raster.data() + std::size_t(r) * l.width);
      cv::Mat dest = out.row(int(y0 + r));
      cv::cvtColor(rgba, dest, alpha ? cv::COLOR_RGBA2BGRA : cv::COLOR_RGBA2BGR);
    }
  }
  return out;
}

// Floating-point samples are taken as 0..1 (the TIFF convention); the resize clips the rest.
void warn_outside_unit_range(DecodedPixels& out) {
  if (out.pixels.depth() != CV_32F) return;
  double lo = 0, hi = 0;
  cv::minMaxLoc(out.pixels.reshape(1), &lo, &hi);
  if (lo >= 0 && hi <= 1) return;
  char range[96];
  std::snprintf(range, sizeof range, "floating-point samples from %.3g to %.3g", lo, hi);
  out.warnings.push_back(std::string(range) + " are outside 0..1 (high dynamic range?): clipped");
}

}  // namespace

ImageHeader read_tiff_header(Bytes data) {
  const TiffFile file(data);
  const Layout l = read_layout(file);
  const int o = tag<std::uint16_t>(file.get(), TIFFTAG_ORIENTATION);
  return {{int(l.width), int(l.height)}, o >= 1 && o <= 8 ? o : 1};
}

DecodedPixels decode_tiff(Bytes data, const DecodeRequest& request) {
  TiffFile file(data);
  Layout l = read_layout(file);
  check_pixel_limit({int(l.width), int(l.height)}, request.max_pixels);
  DecodedPixels out;
  bool premultiplied = false;
  if (direct(file.get(), l)) {
    settle_samples(file, l);
    premultiplied = l.alpha && l.alpha_kind == EXTRASAMPLE_ASSOCALPHA;
    // Shrink-on-load: strips without alpha (tiles come out of row order; averaging colour with
    // alpha needs premultiplying) are averaged in k x k blocks while they are read.
    const int k = TIFFIsTiled(file.get()) || l.alpha
                      ? 1
                      : png_block_factor({int(l.width), int(l.height)}, request.min_size);
    if (l.kind.bits > 16 || l.kind.format == SAMPLEFORMAT_IEEEFP)
      out.pixels = read_floats(file, l, k);
    else if (l.kind.bits <= 8 || l.cmyk || l.palette)
      out.pixels = read_integers<std::uint8_t>(file, l, k);
    else
      out.pixels = read_integers<std::uint16_t>(file, l, k);
    out.scale = k;
    if (l.lab) out.pixels = lab_to_srgb(out.pixels, lab_encoding(file.get()));
  } else {
    out.pixels = read_rgba(file, l, premultiplied);
  }
  out.cmyk = l.cmyk;
  if (premultiplied && out.pixels.channels() == 4) unpremultiply(out.pixels);
  out.warnings = file.take_warnings();
  // Read here, not by the shared step: a camera raw that LibRaw does not take comes here as a TIFF.
  // Lab pixels are sRGB by now: a profile of the file is not theirs.
  out.profile_read = true;
  if (!l.lab) {
    ExtractedProfile profile = embedded_profile(data, ImageFormat::Tiff);
    out.icc = std::move(profile.icc);
    out.warnings.insert(out.warnings.end(), profile.warnings.begin(), profile.warnings.end());
  }
  warn_outside_unit_range(out);
  return out;
}

}  // namespace thumbflow::detail
