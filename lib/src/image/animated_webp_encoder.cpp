#include "image/animated_webp_encoder.hpp"

#include <webp/encode.h>
#include <webp/mux.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace thumbflow::detail {
namespace {

struct EncoderDelete {
  void operator()(WebPAnimEncoder* enc) const { WebPAnimEncoderDelete(enc); }
};

// A WebPPicture freed on every path.
struct Picture {
  WebPPicture pic;
  Picture() {
    if (!WebPPictureInit(&pic)) throw std::runtime_error("cannot encode WebP: libwebp version mismatch");
  }
  ~Picture() { WebPPictureFree(&pic); }
  Picture(const Picture&) = delete;
  Picture& operator=(const Picture&) = delete;
};

[[noreturn]] void fail(WebPAnimEncoder* enc) {
  const char* why = enc != nullptr ? WebPAnimEncoderGetError(enc) : nullptr;
  throw std::runtime_error(std::string("cannot encode animated WebP: ") +
                           (why != nullptr && *why != '\0' ? why : "out of memory"));
}

}  // namespace

int playback_delay_ms(int delay_ms) { return delay_ms < 20 ? 100 : delay_ms; }

std::vector<std::uint8_t> encode_animated_webp(std::span<const AnimationFrame> frames, int quality) {
  if (frames.empty()) throw std::invalid_argument("encode_animated_webp: no frames");
  const cv::Size size = frames.front().pixels.size();
  WebPAnimEncoderOptions options;
  WebPConfig config;
  if (!WebPAnimEncoderOptionsInit(&options) || !WebPConfigInit(&config))
    throw std::runtime_error("cannot encode WebP: libwebp version mismatch");
  options.anim_params.loop_count = 0;  // forever, as GIF players do
  config.quality = static_cast<float>(quality);
  const std::unique_ptr<WebPAnimEncoder, EncoderDelete> enc(
      WebPAnimEncoderNew(size.width, size.height, &options));
  if (!enc) fail(nullptr);

  int timestamp = 0;
  for (const AnimationFrame& frame : frames) {
    const cv::Mat& px = frame.pixels;
    if (px.size() != size || px.depth() != CV_8U || (px.channels() != 3 && px.channels() != 4))
      throw std::invalid_argument("encode_animated_webp: frames must be 8-bit BGR(A) of one size");
    Picture picture;
    picture.pic.use_argb = 1;
    picture.pic.width = size.width;
    picture.pic.height = size.height;
    const int ok = px.channels() == 4 ? WebPPictureImportBGRA(&picture.pic, px.data, int(px.step))
                                      : WebPPictureImportBGR(&picture.pic, px.data, int(px.step));
    if (!ok || !WebPAnimEncoderAdd(enc.get(), &picture.pic, timestamp, &config)) fail(enc.get());
    timestamp += playback_delay_ms(frame.delay_ms);
  }
  if (!WebPAnimEncoderAdd(enc.get(), nullptr, timestamp, nullptr)) fail(enc.get());
  WebPData data;
  WebPDataInit(&data);
  if (!WebPAnimEncoderAssemble(enc.get(), &data)) fail(enc.get());
  std::vector<std::uint8_t> out(data.bytes, data.bytes + data.size);
  WebPDataClear(&data);
  return out;
}

}  // namespace thumbflow::detail
