#include "webp_animation.hpp"

#include <webp/decode.h>
#include <webp/demux.h>

#include <memory>
#include <stdexcept>

namespace thumbflow::test {

WebpAnimation read_webp_animation(const std::vector<std::uint8_t>& bytes) {
  WebPBitstreamFeatures features;
  if (WebPGetFeatures(bytes.data(), bytes.size(), &features) != VP8_STATUS_OK || !features.has_animation)
    throw std::runtime_error("not an animated WebP");
  WebPAnimDecoderOptions options;
  WebPAnimDecoderOptionsInit(&options);
  options.color_mode = MODE_BGRA;
  const WebPData data{bytes.data(), bytes.size()};
  const std::unique_ptr<WebPAnimDecoder, void (*)(WebPAnimDecoder*)> dec(WebPAnimDecoderNew(&data, &options),
                                                                         WebPAnimDecoderDelete);
  WebPAnimInfo info;
  if (!dec || !WebPAnimDecoderGetInfo(dec.get(), &info)) throw std::runtime_error("bad animated WebP");
  WebpAnimation out;
  out.canvas = cv::Size(int(info.canvas_width), int(info.canvas_height));
  out.loop_count = int(info.loop_count);
  int previous = 0;
  while (WebPAnimDecoderHasMoreFrames(dec.get())) {
    std::uint8_t* pixels = nullptr;
    int timestamp = 0;
    if (!WebPAnimDecoderGetNext(dec.get(), &pixels, &timestamp))
      throw std::runtime_error("frame does not decode");
    out.frames.push_back(cv::Mat(out.canvas, CV_8UC4, pixels).clone());
    out.delays_ms.push_back(timestamp - previous);
    previous = timestamp;
  }
  return out;
}

}  // namespace thumbflow::test
