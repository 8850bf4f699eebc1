#include "heif_maker.hpp"

#include <libheif/heif.h>

#include <memory>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

namespace thumbflow::test {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Deleters {
  void operator()(heif_context* c) const { heif_context_free(c); }
  void operator()(heif_encoder* e) const { heif_encoder_release(e); }
  void operator()(heif_image* i) const { heif_image_release(i); }
  void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
  void operator()(heif_encoding_options* o) const { heif_encoding_options_free(o); }
};
template <class T>
using Owned = std::unique_ptr<T, Deleters>;

void ok(const heif_error& e, const char* what) {
  if (e.code != heif_error_Ok) throw std::runtime_error(std::string(what) + ": " + e.message);
}

// Interleaved RGB(A), 8-bit or little-endian 16-bit words holding `bits` bits.
Owned<heif_image> to_heif_image(const cv::Mat& bgr, int bits) {
  const bool alpha = bgr.channels() == 4;
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, alpha ? cv::COLOR_BGRA2RGBA : cv::COLOR_BGR2RGB);
  const heif_chroma chroma =
      bits == 8 ? (alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB)
                : (alpha ? heif_chroma_interleaved_RRGGBBAA_LE : heif_chroma_interleaved_RRGGBB_LE);
  heif_image* raw = nullptr;
  ok(heif_image_create(rgb.cols, rgb.rows, heif_colorspace_RGB, chroma, &raw), "heif_image_create");
  Owned<heif_image> image(raw);
  ok(heif_image_add_plane(raw, heif_channel_interleaved, rgb.cols, rgb.rows, bits), "heif_image_add_plane");
  int stride = 0;
  std::uint8_t* plane = heif_image_get_plane(raw, heif_channel_interleaved, &stride);
  if (bits == 8) {
    rgb.copyTo(cv::Mat(rgb.rows, rgb.cols, rgb.type(), plane, static_cast<std::size_t>(stride)));
  } else {
    cv::Mat wide;  // 0..255 to 0..2^bits-1, as a 10-bit camera would have recorded it
    rgb.convertTo(wide, CV_16UC(rgb.channels()), ((1 << bits) - 1) / 255.0);
    wide.copyTo(cv::Mat(rgb.rows, rgb.cols, wide.type(), plane, static_cast<std::size_t>(stride)));
  }
  return image;
}

}  // namespace

std::vector<std::uint8_t> encode_heif(const cv::Mat& stored, const HeifSpec& spec) {
  Owned<heif_context> ctx(heif_context_alloc());
  heif_encoder* raw_encoder = nullptr;
  ok(heif_context_get_encoder_for_format(ctx.get(), spec.av1 ? heif_compression_AV1 : heif_compression_HEVC,
                                         &raw_encoder),
     "no encoder");
  Owned<heif_encoder> encoder(raw_encoder);
  ok(heif_encoder_set_lossy_quality(raw_encoder, spec.quality), "quality");
  // Fastest settings: these files are made in every test run.
  if (spec.av1) {
    heif_encoder_set_parameter_integer(raw_encoder, "speed", 9);
    // Debian's libheif 1.15 + aom 3.6 trip an assertion in aom for 10/12-bit 4:2:0 and 4:4:4
    // (heif-enc -A -b 10 does the same); 4:2:2 works.
    heif_encoder_set_parameter_string(raw_encoder, "chroma", spec.bit_depth > 8 ? "422" : "420");
  } else {
    heif_encoder_set_parameter_string(raw_encoder, "preset", "ultrafast");
  }

  Owned<heif_image> image = to_heif_image(stored, spec.bit_depth);
  if (spec.premultiplied_alpha) heif_image_set_premultiplied_alpha(image.get(), 1);
  if (!spec.icc.empty())
    ok(heif_image_set_raw_color_profile(image.get(), "prof", spec.icc.data(), spec.icc.size()), "icc");
  if (spec.nclx_primaries > 0) {
    heif_color_profile_nclx* nclx = heif_nclx_color_profile_alloc();
    heif_nclx_color_profile_set_color_primaries(nclx, static_cast<std::uint16_t>(spec.nclx_primaries));
    heif_nclx_color_profile_set_transfer_characteristics(nclx, 13);
    heif_nclx_color_profile_set_matrix_coefficients(nclx, 6);
    nclx->full_range_flag = 1;
    const heif_error set = heif_image_set_nclx_color_profile(image.get(), nclx);
    heif_nclx_color_profile_free(nclx);
    ok(set, "nclx");
  }
  Owned<heif_encoding_options> options(heif_encoding_options_alloc());
  options->image_orientation = static_cast<heif_orientation>(spec.orientation);
  heif_image_handle* raw_handle = nullptr;
  ok(heif_context_encode_image(ctx.get(), image.get(), raw_encoder, options.get(), &raw_handle), "encode");
  Owned<heif_image_handle> handle(raw_handle);
  if (!spec.thumbnail.empty()) {
    Owned<heif_image> thumb = to_heif_image(spec.thumbnail, 8);
    heif_image_handle* thumb_handle = nullptr;
    ok(heif_context_encode_thumbnail(ctx.get(), thumb.get(), raw_handle, raw_encoder, options.get(),
                                     spec.thumbnail_box, &thumb_handle),
       "thumbnail");
    if (thumb_handle == nullptr) throw std::runtime_error("thumbnail not smaller than its box");
    heif_image_handle_release(thumb_handle);
  }
  if (!spec.exif.empty())
    ok(heif_context_add_exif_metadata(ctx.get(), raw_handle, spec.exif.data(),
                                      static_cast<int>(spec.exif.size())),
       "exif");

  Bytes out;
  heif_writer writer{};
  writer.writer_api_version = 1;
  writer.write = [](heif_context*, const void* data, std::size_t size, void* user) {
    auto* bytes = static_cast<const std::uint8_t*>(data);
    static_cast<Bytes*>(user)->insert(static_cast<Bytes*>(user)->end(), bytes, bytes + size);
    return heif_error{heif_error_Ok, heif_suberror_Unspecified, "ok"};
  };
  ok(heif_context_write(ctx.get(), &writer, &out), "write");
  return out;
}

std::vector<std::uint8_t> exif_with_orientation(int orientation) {
  // "MM", 42, IFD0 at 8; one entry: tag 0x0112, SHORT, count 1, value; no next IFD.
  return {'M',  'M',  0, 42, 0, 0, 0, 8, 0, 1,
          0x01, 0x12, 0, 3,  0, 0, 0, 1, 0, static_cast<std::uint8_t>(orientation),
          0,    0,    0, 0,  0, 0};
}

}  // namespace thumbflow::test
