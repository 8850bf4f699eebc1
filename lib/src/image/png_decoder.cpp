#include "image/png_decoder.hpp"

#include <spng.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <string>
#include <vector>

#include "image/byte_order.hpp"
#include "image/decode_error.hpp"
#include "image/pixel_limit.hpp"
#include "image/png_chunk_stream.hpp"

namespace thumbflow::detail {
namespace {

// Memory libspng may spend on the ancillary chunks it still sees (tRNS and unknown ones are
// dropped before it, see png_chunk_stream.hpp): far above any real tRNS, far below a bomb.
constexpr std::size_t kChunkLimit = 1u << 20;
constexpr std::size_t kChunkCacheLimit = 4u << 20;
// zlib's deflate expands at most 1032:1 (a 258-byte match in 1 bit, plus block overhead): an
// IHDR that needs more filtered bytes than that times the IDAT length cannot be decoded, and is
// refused before the pixel buffer is allocated (what stops a bomb when --max-pixels is 0).
constexpr std::uint64_t kMaxInflateRatio = 1032;

// The passes' pixels are point samples, not block averages like JPEG's scaled IDCT: an area resize
// needs many of them per output pixel to hide the aliasing. With the grid at 4x min_size (8x the
// thumbnail) luma PSNR against a full decode + area resize is 33-45 dB on detailed photos
// (png_decoder_test: 1024 px baboon and building, 16-64 px); at 2x min_size 22-40 dB.
constexpr int kPointSampleFactor = 4;

// Block means are averages, but their grid does not line up with the thumbnail's pixels: with the
// blocks at min_size (2x the thumbnail) grainy 3200x2200 photos at 128 px came out at 37.3 dB luma
// PSNR (median 42.0) against a full decode + area resize; at 2x min_size, 46.6 dB (median 49.6),
// for the same time.
constexpr int kBlockMargin = 2;

// Adam7 pass column origins and steps (PNG spec 8.2), indexed by libspng's 0-based pass number
// (libspng gives each row's number itself).
constexpr int kX0[7] = {0, 4, 0, 2, 0, 1, 0};
constexpr int kDx[7] = {8, 8, 4, 4, 2, 2, 1};

struct CtxDeleter {
  void operator()(spng_ctx* ctx) const { spng_ctx_free(ctx); }
};
using Ctx = std::unique_ptr<spng_ctx, CtxDeleter>;

[[noreturn]] void fail(int code) {
  throw DecodeError(std::string("truncated or corrupt PNG: ") + spng_strerror(code));
}

void check(int code) {
  if (code != 0) fail(code);
}

int read_stream(spng_ctx*, void* user, void* dest, std::size_t length) {
  return static_cast<PngChunkStream*>(user)->read(dest, length) ? 0 : SPNG_IO_EOF;
}

// What libspng is asked for, and what it gives per pixel.
struct Layout {
  int format;  // spng_format
  int flags;   // SPNG_DECODE_TRNS or 0
  int type;    // OpenCV type of libspng's output
  bool alpha;  // the result has an alpha channel
};

Layout layout_for(const spng_ihdr& ihdr, bool has_trns) {
  const bool gray = ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE;  // GA16 takes only this
  const bool alpha = ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE_ALPHA ||
                     ihdr.color_type == SPNG_COLOR_TYPE_TRUECOLOR_ALPHA || has_trns;
  const int flags = has_trns ? SPNG_DECODE_TRNS : 0;
  if (ihdr.bit_depth == 16)
    return gray ? Layout{SPNG_FMT_GA16, flags, CV_16UC2, alpha}
                : Layout{SPNG_FMT_RGBA16, flags, CV_16UC4, alpha};
  if (alpha) return {SPNG_FMT_RGBA8, flags, CV_8UC4, true};
  return gray || ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE_ALPHA
             ? Layout{SPNG_FMT_G8, 0, CV_8UC1, false}
             : Layout{SPNG_FMT_RGB8, 0, CV_8UC3, false};
}

int output_type(const Layout& layout) {
  if (layout.alpha) return CV_8UC4;
  return layout.format == SPNG_FMT_G8 || layout.format == SPNG_FMT_GA16 ? CV_8UC1 : CV_8UC3;
}

std::uint8_t to8(std::uint16_t v) { return std::uint8_t((v + 128u) / 257u); }  // round(v * 255 / 65535)

// out[c] = to8(in[Map[c]]) for every pixel of a row.
template <std::size_t In, std::size_t... Map>
void convert(const std::uint8_t* in_bytes, std::uint8_t* out, int width) {
  const auto* in = reinterpret_cast<const std::uint16_t*>(in_bytes);
  for (int x = 0; x < width; ++x, in += In) ((*out++ = to8(in[Map])), ...);
}

// One row of libspng's 16-bit output (GA16, RGBA16) to the pipeline's 8-bit gray, BGR or BGRA.
void convert_row(const Layout& layout, const std::uint8_t* in, std::uint8_t* out, int width) {
  if (layout.format == SPNG_FMT_GA16)
    return layout.alpha ? convert<2, 0, 0, 0, 1>(in, out, width) : convert<2, 0>(in, out, width);
  return layout.alpha ? convert<4, 2, 1, 0, 3>(in, out, width) : convert<4, 2, 1, 0>(in, out, width);
}

// A whole decoded image to the pipeline's layout. 8-bit: in place with OpenCV's vectorised swap
// (measured faster than converting row by row while the row is in cache).
cv::Mat to_pipeline(cv::Mat raw, const Layout& layout) {
  if (layout.format == SPNG_FMT_RGB8 || layout.format == SPNG_FMT_RGBA8)
    cv::cvtColor(raw, raw, layout.format == SPNG_FMT_RGB8 ? cv::COLOR_RGB2BGR : cv::COLOR_RGBA2BGRA);
  if (raw.depth() == CV_8U) return raw;
  cv::Mat out = allocate_pixels(raw.rows, raw.cols, output_type(layout), "PNG");
  for (int y = 0; y < raw.rows; ++y) convert_row(layout, raw.ptr(y), out.ptr(y), raw.cols);
  return out;
}

// A non-interlaced 16-bit image row by row through one row of scratch: no 16-bit copy of the
// whole image (measured 1.59x -> 1.40x OpenCV's time on 16-bit RGB photos).
cv::Mat read_rows16(spng_ctx* ctx, const spng_ihdr& ihdr, const Layout& layout) {
  cv::Mat out = allocate_pixels(int(ihdr.height), int(ihdr.width), output_type(layout), "PNG");
  std::size_t image_bytes = 0;
  check(spng_decoded_image_size(ctx, layout.format, &image_bytes));
  const std::size_t row_bytes = image_bytes / ihdr.height;
  std::vector<std::uint8_t> scratch(row_bytes);
  check(spng_decode_image(ctx, nullptr, 0, layout.format, layout.flags | SPNG_DECODE_PROGRESSIVE));
  for (int y = 0; y < out.rows; ++y) {
    const int done = spng_decode_row(ctx, scratch.data(), row_bytes);
    if (done != 0 && !(done == SPNG_EOI && y + 1 == out.rows)) fail(done);
    convert_row(layout, scratch.data(), out.ptr(y), out.cols);
  }
  return out;
}

// Column sums of `k` rows of 8-bit samples: 16 bits hold up to 257 rows of 255, which vectorises
// twice as wide as 32 bits.
template <typename Sum>
void add_row(const std::uint8_t* row, Sum* sums, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) sums[i] = Sum(sums[i] + row[i]);
}

// One output row: the mean of each block's column sums (`rows` rows; the last block of a row may
// be narrower than k).
template <typename Sum>
void emit_means(const Sum* sums, int width, int channels, int k, int rows, std::uint8_t* out) {
  for (int x0 = 0; x0 < width; x0 += k) {
    const int x1 = std::min(width, x0 + k);
    const auto count = std::uint32_t((x1 - x0) * rows);
    for (int c = 0; c < channels; ++c, ++out) {
      std::uint32_t sum = 0;
      for (int x = x0; x < x1; ++x) sum += sums[std::size_t(x) * std::size_t(channels) + std::size_t(c)];
      *out = std::uint8_t((sum + count / 2) / count);
    }
  }
}

// A non-interlaced image without alpha, row by row, into the means of its k x k blocks, as JPEG's
// scaled IDCT gives them (the last row and column of blocks hold what is left; the pipeline's
// extent, stored / k, weighs them): the full-size image (21 MB for a 7 MP photo) is never made,
// nor swapped to BGR and area-reduced in full. Rows are summed while they are in cache.
template <typename Sum>
cv::Mat read_block_means(spng_ctx* ctx, const spng_ihdr& ihdr, const Layout& layout, int k) {
  const int width = int(ihdr.width), height = int(ihdr.height);
  const int channels = CV_MAT_CN(output_type(layout));
  cv::Mat out = allocate_pixels((height + k - 1) / k, (width + k - 1) / k, output_type(layout), "PNG");
  std::size_t image_bytes = 0;
  check(spng_decoded_image_size(ctx, layout.format, &image_bytes));
  std::vector<std::uint8_t> scanline(image_bytes / ihdr.height);
  const bool sixteen = ihdr.bit_depth == 16;
  std::vector<std::uint8_t> eight(sixteen ? std::size_t(width) * std::size_t(channels) : 0);
  std::vector<Sum> sums(std::size_t(width) * std::size_t(channels), Sum{0});
  check(spng_decode_image(ctx, nullptr, 0, layout.format, layout.flags | SPNG_DECODE_PROGRESSIVE));
  for (int y = 0; y < height; ++y) {
    const int done = spng_decode_row(ctx, scanline.data(), scanline.size());
    if (done != 0 && !(done == SPNG_EOI && y + 1 == height)) fail(done);
    const std::uint8_t* row = scanline.data();
    if (sixteen) {  // to the pipeline's 8-bit gray or BGR first (convert_row swaps the channels)
      convert_row(layout, scanline.data(), eight.data(), width);
      row = eight.data();
    }
    add_row(row, sums.data(), sums.size());
    if (const int rows = y % k + 1; rows == k || y + 1 == height) {
      emit_means(sums.data(), width, channels, k, rows, out.ptr(y / k));
      std::fill(sums.begin(), sums.end(), Sum{0});
    }
  }
  if (layout.format == SPNG_FMT_RGB8) cv::cvtColor(out, out, cv::COLOR_RGB2BGR);
  return out;
}

// Reads passes 0 .. passes-1 of an interlaced image into the grid of every `scale`-th pixel: a
// pixel of pass p sits at (kX0[p] + i * kDx[p], row_num), both multiples of `scale` for the
// passes that make up that grid. Stops reading the file where the next pass begins.
cv::Mat read_passes(spng_ctx* ctx, const spng_ihdr& ihdr, const Layout& layout, int scale) {
  const int passes = scale == 8 ? 1 : scale == 4 ? 3 : 5;
  const int width = int((ihdr.width + unsigned(scale) - 1) / unsigned(scale));
  const int height = int((ihdr.height + unsigned(scale) - 1) / unsigned(scale));
  cv::Mat grid = allocate_pixels(height, width, layout.type, "PNG");
  const std::size_t pixel = grid.elemSize();
  std::size_t image_bytes = 0;
  check(spng_decoded_image_size(ctx, layout.format, &image_bytes));
  std::vector<std::uint8_t> scanline(image_bytes / ihdr.height);
  check(spng_decode_image(ctx, nullptr, 0, layout.format, layout.flags | SPNG_DECODE_PROGRESSIVE));
  while (true) {
    spng_row_info row{};
    const int state = spng_get_row_info(ctx, &row);
    if (state == SPNG_EOI || (state == 0 && row.pass >= passes)) break;
    check(state);
    const int done = spng_decode_scanline(ctx, scanline.data(), scanline.size());
    if (done != 0 && done != SPNG_EOI) fail(done);
    const int p = row.pass;
    std::uint8_t* out = grid.ptr(int(row.row_num) / scale);
    const unsigned count = (ihdr.width - unsigned(kX0[p]) + unsigned(kDx[p]) - 1) / unsigned(kDx[p]);
    for (unsigned i = 0; i < count; ++i)
      std::memcpy(out + (unsigned(kX0[p]) + i * unsigned(kDx[p])) / unsigned(scale) * pixel,
                  scanline.data() + i * pixel, pixel);
    if (done == SPNG_EOI) break;
  }
  return grid;
}

// The IHDR fields that size the image data.
struct Ihdr {
  std::uint32_t width = 0, height = 0;
  int bit_depth = 0, channels = 0;
  bool interlaced = false;
};

// Samples per pixel of a PNG colour type (a palette index is one); 0 for a type PNG does not have.
int channels_of(int colour_type) {
  switch (colour_type) {
    case 0:  // gray
    case 3:  // palette
      return 1;
    case 4:  // gray + alpha
      return 2;
    case 2:  // RGB
      return 3;
    case 6:  // RGBA
      return 4;
    default:
      return 0;
  }
}

// IHDR read from the bytes, before libspng sees them.
std::optional<Ihdr> peek_ihdr(Bytes data) {
  if (data.size() < 33 || std::memcmp(data.data() + 12, "IHDR", 4) != 0) return std::nullopt;
  const Ihdr h{be32(data, 16), be32(data, 20), data[24], channels_of(data[25]), data[28] == 1};
  if (h.width == 0 || h.height == 0 || h.channels == 0 || h.bit_depth == 0 || h.bit_depth > 16)
    return std::nullopt;
  return h;
}

// Bytes of filtered scanlines (a filter byte per row) that the image data inflates to: one image,
// or the seven Adam7 pass images (PNG spec 8.2).
std::uint64_t filtered_bytes(const Ihdr& h) {
  const auto rows = [&h](std::uint64_t width, std::uint64_t height) {
    return width == 0 || height == 0
               ? 0
               : height * (1 + (width * std::uint64_t(h.channels) * std::uint64_t(h.bit_depth) + 7) / 8);
  };
  if (!h.interlaced) return rows(h.width, h.height);
  constexpr int kY0[7] = {0, 0, 4, 0, 2, 0, 1};
  constexpr int kDy[7] = {8, 8, 8, 4, 4, 2, 2};
  std::uint64_t total = 0;
  for (int p = 0; p < 7; ++p)
    total += rows((h.width + std::uint64_t(kDx[p] - kX0[p] - 1)) / std::uint64_t(kDx[p]),
                  (h.height + std::uint64_t(kDy[p] - kY0[p] - 1)) / std::uint64_t(kDy[p]));
  return total;
}

// Inflating the whole image data at once pays off when all of it is decoded, and is done only
// for what the checks below would let through (no bomb gets a buffer).
constexpr std::uint64_t kMaxInflatedAtOnce = 1ull << 30;

}  // namespace

int adam7_scale(Dimensions stored, Dimensions min_size) {
  if (min_size.width <= 0 && min_size.height <= 0) return 1;
  const Dimensions need{kPointSampleFactor * min_size.width, kPointSampleFactor * min_size.height};
  for (const int s : {8, 4, 2})
    if ((stored.width + s - 1) / s >= need.width && (stored.height + s - 1) / s >= need.height) return s;
  return 1;
}

int png_block_factor(Dimensions stored, Dimensions min_size) {
  if (min_size.width <= 0 || min_size.height <= 0) return 1;
  const int k = std::min(stored.width / (kBlockMargin * min_size.width),
                         stored.height / (kBlockMargin * min_size.height));
  return std::max(1, k);
}

DecodedPixels decode_png(Bytes data, const DecodeRequest& request) {
  PngChunkStream stream(data);
  bool checked = false;  // inflated at once, checksums checked
  if (const std::optional<Ihdr> h = peek_ihdr(data)) {
    const std::uint64_t filtered = filtered_bytes(*h);
    const bool whole = !h->interlaced || adam7_scale({int(std::min<std::uint32_t>(h->width, 0x7FFFFFFF)),
                                                      int(std::min<std::uint32_t>(h->height, 0x7FFFFFFF))},
                                                     request.min_size) == 1;
    const bool allowed = request.max_pixels == 0 || std::uint64_t(h->width) * h->height <= request.max_pixels;
    if (whole && allowed && filtered <= kMaxInflatedAtOnce &&
        filtered <= kMaxInflateRatio * stream.idat_bytes())
      checked = stream.inflate_at_once(std::size_t(filtered));
  }
  const Ctx ctx(spng_ctx_new(checked ? SPNG_CTX_IGNORE_ADLER32 : 0));
  if (!ctx) throw DecodeError("cannot decode PNG: out of memory");
  if (checked) check(spng_set_crc_action(ctx.get(), SPNG_CRC_USE, SPNG_CRC_DISCARD));
  check(spng_set_chunk_limits(ctx.get(), kChunkLimit, kChunkCacheLimit));
  if (request.max_pixels > 0) {
    const auto side = std::uint32_t(std::min<std::uint64_t>(request.max_pixels, 0x7FFFFFFFu));
    check(spng_set_image_limits(ctx.get(), side, side));
  }
  check(spng_set_png_stream(ctx.get(), read_stream, &stream));

  spng_ihdr ihdr{};
  check(spng_get_ihdr(ctx.get(), &ihdr));
  check_pixel_limit({int(ihdr.width), int(ihdr.height)}, request.max_pixels);
  // As one image, interlaced or not (Adam7's passes need a little more): the bound it has always been.
  const std::uint64_t filtered =
      filtered_bytes({ihdr.width, ihdr.height, ihdr.bit_depth, channels_of(ihdr.color_type), false});
  if (filtered > kMaxInflateRatio * stream.idat_bytes() + 1024)
    throw DecodeError("truncated or corrupt PNG: " + std::to_string(ihdr.width) + "x" +
                      std::to_string(ihdr.height) + " pixels need " + std::to_string(filtered) +
                      " bytes of image data, more than its " + std::to_string(stream.idat_bytes()) +
                      " compressed bytes can hold");
  spng_trns trns{};
  const int trns_state = spng_get_trns(ctx.get(), &trns);
  if (trns_state != 0 && trns_state != SPNG_ECHUNKAVAIL) fail(trns_state);
  const Layout layout = layout_for(ihdr, trns_state == 0);

  DecodedPixels out;
  const int scale = ihdr.interlace_method == SPNG_INTERLACE_ADAM7
                        ? adam7_scale({int(ihdr.width), int(ihdr.height)}, request.min_size)
                        : 1;
  if (scale > 1) {
    out.pixels = to_pipeline(read_passes(ctx.get(), ihdr, layout, scale), layout);
    out.scale = scale;
  } else if (const int k = png_block_factor({int(ihdr.width), int(ihdr.height)}, request.min_size);
             k > 1 && ihdr.interlace_method == SPNG_INTERLACE_NONE && !layout.alpha) {
    out.pixels = k <= 257 ? read_block_means<std::uint16_t>(ctx.get(), ihdr, layout, k)
                          : read_block_means<std::uint32_t>(ctx.get(), ihdr, layout, k);
    out.scale = k;
  } else if (ihdr.interlace_method == SPNG_INTERLACE_NONE && ihdr.bit_depth == 16) {
    out.pixels = read_rows16(ctx.get(), ihdr, layout);
  } else {  // whole image: Adam7 passes visit every row several times
    cv::Mat raw = allocate_pixels(int(ihdr.height), int(ihdr.width), layout.type, "PNG");
    check(spng_decode_image(ctx.get(), raw.data, raw.total() * raw.elemSize(), layout.format, layout.flags));
    out.pixels = to_pipeline(raw, layout);
  }
  out.warnings = stream.warnings();
  return out;
}

}  // namespace thumbflow::detail
