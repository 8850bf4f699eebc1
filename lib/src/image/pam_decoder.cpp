#include "image/pam_decoder.hpp"

#include <algorithm>
#include <cstdint>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "image/decode_error.hpp"

namespace thumbflow::detail {
namespace {

bool space(std::uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The header's words, one at a time; a comment runs from # to the end of its line.
class Words {
 public:
  explicit Words(Bytes d) : d_(d) {}
  std::string next() {
    while (i_ < d_.size() && (space(d_[i_]) || d_[i_] == '#')) {
      if (d_[i_] == '#')
        while (i_ < d_.size() && d_[i_] != '\n') ++i_;
      else
        ++i_;
    }
    std::string w;
    while (i_ < d_.size() && w.size() < 64 && !space(d_[i_])) w.push_back(char(d_[i_++]));
    return w;
  }
  long long number() {
    const std::string w = next();
    if (w.empty() || w.size() > 10 ||
        !std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; }))
      throw DecodeError("bad PAM header (a number expected, '" + w.substr(0, 16) + "' found)");
    return std::stoll(w);
  }
  void skip_line() {
    while (i_ < d_.size() && d_[i_] != '\n') ++i_;
  }
  // After ENDHDR: its end of line, then the samples.
  std::size_t after_line() {
    skip_line();
    return std::min(d_.size(), i_ + 1);
  }

 private:
  Bytes d_;
  std::size_t i_ = 2;  // after "P7"
};

}  // namespace

PamHeader read_pam_header(Bytes data) {
  if (data.size() < 3 || data[0] != 'P' || data[1] != '7') throw DecodeError("bad PAM header");
  Words words(data);
  long long width = -1, height = -1, depth = -1, maxval = -1;
  PamHeader h;
  for (int lines = 0; lines < 256; ++lines) {
    const std::string name = words.next();
    if (name.empty()) break;
    if (name == "ENDHDR") {
      if (width <= 0 || height <= 0 || depth < 0 || maxval < 0)
        throw DecodeError("bad PAM header (WIDTH, HEIGHT, DEPTH or MAXVAL missing)");
      if (width >= (1LL << 31) || height >= (1LL << 31)) throw DecodeError("bad PAM header (size too large)");
      if (depth < 1 || depth > 4)
        throw DecodeError("unsupported PAM depth " + std::to_string(depth) + " (1 to 4 samples per pixel)");
      if (maxval < 1 || maxval > 65535)
        throw DecodeError("bad PAM header (MAXVAL " + std::to_string(maxval) + ")");
      h.width = int(width);
      h.height = int(height);
      h.depth = int(depth);
      h.maxval = int(maxval);
      h.data_at = words.after_line();
      return h;
    }
    if (name == "WIDTH")
      width = words.number();
    else if (name == "HEIGHT")
      height = words.number();
    else if (name == "DEPTH")
      depth = words.number();
    else if (name == "MAXVAL")
      maxval = words.number();
    else if (name == "TUPLTYPE")
      h.tupltype = words.next();
    else
      words.skip_line();  // an unknown field: its line
  }
  throw DecodeError("bad PAM header (no ENDHDR)");
}

cv::Mat decode_pam(Bytes data) {
  const PamHeader h = read_pam_header(data);
  const bool wide = h.maxval > 255;
  const std::size_t bytes = wide ? 2 : 1;
  if (std::uint64_t(h.width) * std::uint64_t(h.height) > (std::uint64_t(1) << 50))
    throw DecodeError("bad PAM header (size too large)");
  const std::uint64_t need =
      std::uint64_t(h.width) * std::uint64_t(h.height) * std::uint64_t(h.depth) * bytes;
  if (data.size() - h.data_at < need)
    throw DecodeError("truncated PAM (" + std::to_string(data.size()) + " bytes, the header promises " +
                      std::to_string(h.data_at + need) + ")");
  const int depth = wide ? CV_16U : CV_8U;
  cv::Mat samples(h.height, h.width, CV_MAKETYPE(depth, h.depth));
  const std::uint8_t* in = data.data() + h.data_at;
  const std::size_t row_samples = std::size_t(h.width) * std::size_t(h.depth);
  const int full = wide ? 65535 : 255;
  bool over = false;
  for (int y = 0; y < h.height; ++y) {
    if (wide) {
      auto* out = samples.ptr<std::uint16_t>(y);
      for (std::size_t i = 0; i < row_samples; ++i, in += 2) {
        const int v = in[0] << 8 | in[1];
        over |= v > h.maxval;
        out[i] =
            std::uint16_t(h.maxval == full ? v : (std::min(v, h.maxval) * full + h.maxval / 2) / h.maxval);
      }
    } else {
      auto* out = samples.ptr<std::uint8_t>(y);
      for (std::size_t i = 0; i < row_samples; ++i, ++in) {
        const int v = *in;
        over |= v > h.maxval;
        out[i] =
            std::uint8_t(h.maxval == full ? v : (std::min(v, h.maxval) * full + h.maxval / 2) / h.maxval);
      }
    }
  }
  if (over) throw DecodeError("corrupt PAM (a sample above MAXVAL " + std::to_string(h.maxval) + ")");
  // BLACKANDWHITE: 0 black, 1 white, which MAXVAL 1 scaled above already makes 0 and 255.
  cv::Mat out;
  switch (h.depth) {
    case 1:
      return samples;
    case 2: {
      std::vector<cv::Mat> planes;
      cv::split(samples, planes);
      const cv::Mat bgra[4] = {planes[0], planes[0], planes[0], planes[1]};
      cv::merge(bgra, 4, out);
      return out;
    }
    case 3:
      cv::cvtColor(samples, out, cv::COLOR_RGB2BGR);
      return out;
    default:
      cv::cvtColor(samples, out, cv::COLOR_RGBA2BGRA);
      return out;
  }
}

}  // namespace thumbflow::detail
