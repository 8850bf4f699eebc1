// WebP decoding on libwebp: scaled decode of still images, first frame of animations.
#include "image/webp_decoder.hpp"

#include <webp/decode.h>
#include <webp/demux.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <string>

#include "image/alpha.hpp"
#include "image/area_resize.hpp"
#include "image/decode_error.hpp"
#include "image/pixel_limit.hpp"

namespace thumbflow::detail {
namespace {

const char* reason(VP8StatusCode status) {
  switch (status) {
    case VP8_STATUS_OK:
      return "ok";
    case VP8_STATUS_OUT_OF_MEMORY:
      return "out of memory";
    case VP8_STATUS_INVALID_PARAM:
      return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR:
      return "corrupt bitstream";
    case VP8_STATUS_UNSUPPORTED_FEATURE:
      return "unsupported feature";
    case VP8_STATUS_SUSPENDED:
      return "decoder suspended";
    case VP8_STATUS_USER_ABORT:
      return "aborted";
    case VP8_STATUS_NOT_ENOUGH_DATA:
      return "truncated data";
  }
  return "unknown error";
}

[[noreturn]] void fail(const char* what, VP8StatusCode status) {
  throw DecodeError(std::string(what) + " (" + reason(status) + ")");
}

// ceil(a * b / c) for non-negative sides; 64-bit so that 16383 * 65535 cannot overflow.
int scale_side(int a, int b, int c) {
  const long long num = static_cast<long long>(a) * b;
  return static_cast<int>((num + c - 1) / c);
}

// Scales one side to the given length and the other by the same factor, rounding up.
Dimensions scaled_by_width(Dimensions canvas, int width) {
  return {width, std::max(1, scale_side(canvas.height, width, canvas.width))};
}
Dimensions scaled_by_height(Dimensions canvas, int height) {
  return {std::max(1, scale_side(canvas.width, height, canvas.height)), height};
}

bool covers(Dimensions size, Dimensions min_size) {
  return size.width >= min_size.width && size.height >= min_size.height;
}

struct AnimDecoderDeleter {
  void operator()(WebPAnimDecoder* dec) const { WebPAnimDecoderDelete(dec); }
};

using AnimDecoder = std::unique_ptr<WebPAnimDecoder, AnimDecoderDeleter>;

// libwebp's animation decoder, compositing BGRA canvases, and the animation's info.
AnimDecoder open_animation(Bytes data, WebPAnimInfo& info) {
  WebPAnimDecoderOptions options;
  if (!WebPAnimDecoderOptionsInit(&options)) throw DecodeError("libwebp version mismatch");
  options.color_mode = MODE_BGRA;
  options.use_threads = 0;
  const WebPData webp{data.data(), data.size()};
  AnimDecoder dec(WebPAnimDecoderNew(&webp, &options));
  if (!dec || !WebPAnimDecoderGetInfo(dec.get(), &info))
    throw DecodeError("invalid animated WebP (corrupt or truncated container)");
  return dec;
}

// The first frame as libwebp's animation decoder composites it: on a transparent canvas, so
// frames smaller than the canvas keep their offset. Not scaled: animations are rare, and the
// caller's resize handles the canvas.
cv::Mat decode_first_frame(Bytes data, bool has_alpha) {
  WebPAnimInfo info;
  const AnimDecoder dec = open_animation(data, info);
  std::uint8_t* pixels = nullptr;
  int timestamp = 0;
  if (!WebPAnimDecoderHasMoreFrames(dec.get()) || !WebPAnimDecoderGetNext(dec.get(), &pixels, &timestamp))
    throw DecodeError("invalid animated WebP (first frame does not decode)");
  // The pixels belong to the decoder: copy them out before it is deleted.
  const cv::Mat canvas(static_cast<int>(info.canvas_height), static_cast<int>(info.canvas_width), CV_8UC4,
                       pixels);
  cv::Mat out;
  if (has_alpha)
    out = canvas.clone();
  else
    cv::cvtColor(canvas, out, cv::COLOR_BGRA2BGR);
  return out;
}

// Decodes a still picture with `config` (its options set) into a new `size` image in `mode`
// (MODE_BGR, MODE_BGRA or MODE_bgrA).
cv::Mat decode_into(Bytes data, WebPDecoderConfig& config, Dimensions size, WEBP_CSP_MODE mode) {
  cv::Mat out(size.height, size.width, mode == MODE_BGR ? CV_8UC3 : CV_8UC4);
  config.output.colorspace = mode;
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = out.data;
  config.output.u.RGBA.stride = static_cast<int>(out.step);
  config.output.u.RGBA.size = out.step * static_cast<std::size_t>(out.rows);
  const VP8StatusCode status = WebPDecode(data.data(), data.size(), &config);
  WebPFreeDecBuffer(&config.output);  // frees nothing for external memory; kept for symmetry
  if (status != VP8_STATUS_OK) fail("invalid or truncated WebP", status);
  return out;
}

}  // namespace

std::vector<AnimationFrame> decode_webp_frames(Bytes data, std::uint64_t max_pixels,
                                               std::uint64_t max_frame_pixels) {
  WebPBitstreamFeatures features;
  const VP8StatusCode header = WebPGetFeatures(data.data(), data.size(), &features);
  if (header != VP8_STATUS_OK) fail("invalid WebP header", header);
  if (!features.has_animation) return {};
  check_pixel_limit({features.width, features.height}, max_pixels);  // before the decoder allocates canvases
  WebPAnimInfo info;
  const AnimDecoder dec = open_animation(data, info);
  const Dimensions canvas{int(info.canvas_width), int(info.canvas_height)};
  check_frame_budget(info.frame_count, canvas, max_frame_pixels);
  std::vector<AnimationFrame> frames;
  int previous = 0;
  while (WebPAnimDecoderHasMoreFrames(dec.get())) {
    std::uint8_t* pixels = nullptr;
    int timestamp = 0;  // when this frame ends
    if (!WebPAnimDecoderGetNext(dec.get(), &pixels, &timestamp))
      throw DecodeError("invalid animated WebP (frame " + std::to_string(frames.size() + 1) +
                        " does not decode)");
    // The canvas belongs to the decoder and is reused for the next frame: copy it.
    frames.push_back({cv::Mat(canvas.height, canvas.width, CV_8UC4, pixels).clone(), timestamp - previous});
    previous = timestamp;
  }
  return frames;
}

Dimensions webp_scaled_size(Dimensions canvas, Dimensions min_size) {
  const Dimensions wanted{std::max(0, min_size.width), std::max(0, min_size.height)};
  if (canvas.width <= 0 || canvas.height <= 0) return canvas;
  if (wanted.width >= canvas.width || wanted.height >= canvas.height) return canvas;
  // One side is the binding constraint: scaled to it, the other side is large enough too.
  Dimensions best = canvas;
  const auto consider = [&](Dimensions size) {
    if (covers(size, wanted) && size.width + size.height < best.width + best.height) best = size;
  };
  if (wanted.width > 0) consider(scaled_by_width(canvas, wanted.width));
  if (wanted.height > 0) consider(scaled_by_height(canvas, wanted.height));
  return best;
}

Dimensions read_webp_size(Bytes data) {
  WebPBitstreamFeatures features;
  const VP8StatusCode status = WebPGetFeatures(data.data(), data.size(), &features);
  if (status != VP8_STATUS_OK) fail("invalid WebP header", status);
  return {features.width, features.height};
}

cv::Mat decode_webp(Bytes data, Dimensions min_size) { return decode_webp(data, min_size, 0); }

cv::Mat decode_webp(Bytes data, Dimensions min_size, std::uint64_t max_pixels) {
  WebPDecoderConfig config;
  if (!WebPInitDecoderConfig(&config)) throw DecodeError("libwebp version mismatch");
  const VP8StatusCode header = WebPGetFeatures(data.data(), data.size(), &config.input);
  if (header != VP8_STATUS_OK) fail("invalid WebP header", header);
  const Dimensions canvas{config.input.width, config.input.height};
  check_pixel_limit(canvas, max_pixels);
  const bool alpha = config.input.has_alpha != 0;
  if (config.input.has_animation) return decode_first_frame(data, alpha);

  const Dimensions size = webp_scaled_size(canvas, min_size);
  config.options.use_threads = 0;  // the pipeline already decodes one image per core
  // libwebp's rescaler averages colour without weighting it by alpha, in either output mode: the
  // colour hidden under transparent pixels bled into visible edges (halos up to 60 levels). With
  // alpha the picture is decoded whole and premultiplied (libwebp's fast integer path), reduced
  // here with the same area filter, and divided back.
  if (alpha && size != canvas) {
    const cv::Mat whole = decode_into(data, config, canvas, MODE_bgrA);
    cv::Mat small;
    const cv::Size to(size.width, size.height);
    if (!area_reduce_u8(whole, small, to, double(canvas.width) / size.width,
                        double(canvas.height) / size.height))
      cv::resize(whole, small, to, 0, 0, cv::INTER_AREA);
    unpremultiply(small);
    return small;
  }
  if (size != canvas) {
    config.options.use_scaling = 1;
    config.options.scaled_width = size.width;
    config.options.scaled_height = size.height;
  }
  return decode_into(data, config, size, alpha ? MODE_BGRA : MODE_BGR);
}

}  // namespace thumbflow::detail
