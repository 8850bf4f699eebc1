#include "png_maker.hpp"

#include <spng.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "hostile_images.hpp"

namespace thumbflow::test {
namespace {

struct CtxDeleter {
  void operator()(spng_ctx* ctx) const { spng_ctx_free(ctx); }
};

void check(int code, const char* what) {
  if (code != 0) throw std::runtime_error(std::string("make_png: ") + what + ": " + spng_strerror(code));
}

// The picture's rows in the PNG's own layout: samples packed MSB first below 8 bits, RGB order,
// 16-bit host-endian (what SPNG_FMT_PNG takes).
std::vector<std::uint8_t> samples(const cv::Mat& picture, const PngSpec& spec) {
  const int channels = picture.channels();
  const int bits_per_pixel = spec.bit_depth * channels;
  const std::size_t row_bytes = (std::size_t(picture.cols) * std::size_t(bits_per_pixel) + 7) / 8;
  std::vector<std::uint8_t> out(row_bytes * std::size_t(picture.rows), 0);
  for (int y = 0; y < picture.rows; ++y) {
    std::uint8_t* row = out.data() + row_bytes * std::size_t(y);
    for (int x = 0; x < picture.cols; ++x) {
      for (int c = 0; c < channels; ++c) {
        // OpenCV stores BGR(A); PNG wants RGB(A).
        const int from = (channels >= 3 && c < 3) ? 2 - c : c;
        if (spec.bit_depth == 16) {
          const std::uint16_t v = picture.ptr<std::uint16_t>(y)[x * channels + from];
          std::memcpy(row + (std::size_t(x) * std::size_t(channels) + std::size_t(c)) * 2, &v, 2);
        } else if (spec.bit_depth == 8) {
          row[std::size_t(x) * std::size_t(channels) + std::size_t(c)] =
              picture.ptr<std::uint8_t>(y)[x * channels + from];
        } else {
          const int v = picture.ptr<std::uint8_t>(y)[x] >> (8 - spec.bit_depth);
          const int bit = x * spec.bit_depth;
          row[bit / 8] = std::uint8_t(row[bit / 8] | v << (8 - spec.bit_depth - bit % 8));
        }
      }
    }
  }
  return out;
}

}  // namespace

cv::Vec3b palette_colour(int i) {
  return {std::uint8_t(i * 37 + 11), std::uint8_t(255 - i * 13), std::uint8_t(i * 91 + 5)};
}

std::vector<std::uint8_t> make_png(const cv::Mat& picture, const PngSpec& spec) {
  const std::unique_ptr<spng_ctx, CtxDeleter> ctx(spng_ctx_new(SPNG_CTX_ENCODER));
  check(spng_set_option(ctx.get(), SPNG_ENCODE_TO_BUFFER, 1), "buffer");
  spng_ihdr ihdr{};
  ihdr.width = std::uint32_t(picture.cols);
  ihdr.height = std::uint32_t(picture.rows);
  ihdr.bit_depth = std::uint8_t(spec.bit_depth);
  ihdr.color_type = std::uint8_t(spec.color_type);
  ihdr.interlace_method = spec.interlaced ? SPNG_INTERLACE_ADAM7 : SPNG_INTERLACE_NONE;
  check(spng_set_ihdr(ctx.get(), &ihdr), "IHDR");
  if (spec.color_type == 3) {
    spng_plte plte{};
    plte.n_entries = spec.palette.empty() ? 1u << spec.bit_depth : std::uint32_t(spec.palette.size());
    for (std::uint32_t i = 0; i < plte.n_entries; ++i) {
      const cv::Vec3b c = spec.palette.empty() ? palette_colour(int(i)) : spec.palette[i];
      plte.entries[i] = {c[0], c[1], c[2], 255};
    }
    check(spng_set_plte(ctx.get(), &plte), "PLTE");
  }
  if (!spec.trns.empty()) {
    spng_trns trns{};
    const auto be16 = [&](std::size_t at) { return std::uint16_t(spec.trns[at] << 8 | spec.trns[at + 1]); };
    if (spec.color_type == 0) trns.gray = be16(0);
    if (spec.color_type == 2) {
      trns.red = be16(0);
      trns.green = be16(2);
      trns.blue = be16(4);
    }
    if (spec.color_type == 3) {
      trns.n_type3_entries = std::uint32_t(spec.trns.size());
      std::memcpy(trns.type3_alpha, spec.trns.data(), spec.trns.size());
    }
    check(spng_set_trns(ctx.get(), &trns), "tRNS");
  }
  std::vector<std::uint8_t> raw = samples(picture, spec);
  check(spng_encode_image(ctx.get(), raw.data(), raw.size(), SPNG_FMT_PNG, SPNG_ENCODE_FINALIZE), "encode");
  std::size_t size = 0;
  int error = 0;
  void* png = spng_get_png_buffer(ctx.get(), &size, &error);
  check(error, "buffer");
  std::vector<std::uint8_t> out(static_cast<std::uint8_t*>(png), static_cast<std::uint8_t*>(png) + size);
  std::free(png);
  return out;
}

std::vector<std::uint8_t> with_iccp(std::vector<std::uint8_t> png, const std::vector<std::uint8_t>& profile) {
  std::vector<std::uint8_t> body = {'i', 'c', 'c', 0, 0};  // name, NUL, compression method 0
  const std::vector<std::uint8_t> packed = zlib_compress(profile);
  body.insert(body.end(), packed.begin(), packed.end());
  std::vector<std::uint8_t> chunk;
  put_png_chunk(chunk, "iCCP", body);
  const std::ptrdiff_t after_ihdr = 8 + 12 + 13;
  png.insert(png.begin() + after_ihdr, chunk.begin(), chunk.end());
  return png;
}

std::vector<std::uint8_t> icc_profile_libpng_warns_about() {
  std::vector<std::uint8_t> p(132, 0);
  const auto put = [&p](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[at + std::size_t(i)] = std::uint8_t(v >> (24 - 8 * i));
  };
  put(0, 132);          // profile size
  put(8, 0x02100000);   // version 2.1
  put(12, 0x6D6E7472);  // 'mntr'
  put(16, 0x52474220);  // 'RGB '
  put(20, 0x58595A20);  // 'XYZ '
  put(36, 0x61637370);  // 'acsp'
  put(64, 9);           // rendering intent 9: undefined (0-3 are)
  put(68, 0x0000F6D6);  // D50 illuminant
  put(72, 0x00010000);
  put(76, 0x0000D32D);
  put(128, 0);  // no tags
  return p;
}

}  // namespace thumbflow::test
