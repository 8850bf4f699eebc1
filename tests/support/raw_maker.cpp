#include "raw_maker.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace thumbflow::test {
namespace {

enum Type : std::uint16_t { kByte = 1, kAscii = 2, kShort = 3, kLong = 4, kRational = 5, kSRational = 10 };

struct Entry {
  std::uint16_t tag;
  std::uint16_t type;
  std::uint32_t count;
  std::vector<std::uint8_t> data;  // little-endian values
};

void put(std::vector<std::uint8_t>& v, std::uint32_t x, int bytes) {
  for (int i = 0; i < bytes; ++i) v.push_back(std::uint8_t(x >> (8 * i)));
}
Entry shorts(std::uint16_t tag, std::vector<std::uint32_t> values) {
  Entry e{tag, kShort, std::uint32_t(values.size()), {}};
  for (const auto x : values) put(e.data, x, 2);
  return e;
}
Entry longs(std::uint16_t tag, std::vector<std::uint32_t> values) {
  Entry e{tag, kLong, std::uint32_t(values.size()), {}};
  for (const auto x : values) put(e.data, x, 4);
  return e;
}
Entry bytes(std::uint16_t tag, std::vector<std::uint8_t> values) {
  return Entry{tag, kByte, std::uint32_t(values.size()), std::move(values)};
}
Entry text(std::uint16_t tag, const std::string& s) {
  Entry e{tag, kAscii, std::uint32_t(s.size() + 1), {s.begin(), s.end()}};
  e.data.push_back(0);
  return e;
}
Entry rationals(std::uint16_t tag, Type type, std::vector<double> values) {
  Entry e{tag, type, std::uint32_t(values.size()), {}};
  for (const double x : values) {
    put(e.data, std::uint32_t(std::int32_t(std::lround(x * 10000))), 4);
    put(e.data, 10000, 4);
  }
  return e;
}

// Writes `entries` (sorted here) as a directory at the end of `out`, values that do not fit in 4
// bytes after it; `patch` is called with each entry's value offset in `out` so that offsets to data
// written later can be filled in. Returns the directory's offset.
std::uint32_t directory(std::vector<std::uint8_t>& out, std::vector<Entry> entries,
                        std::vector<std::pair<std::uint16_t, std::size_t>>& value_at) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.tag < b.tag; });
  const auto at = std::uint32_t(out.size());
  put(out, std::uint32_t(entries.size()), 2);
  std::size_t extra = out.size() + entries.size() * 12 + 4;
  std::vector<std::uint8_t> tail;
  for (const Entry& e : entries) {
    put(out, e.tag, 2);
    put(out, e.type, 2);
    put(out, e.count, 4);
    value_at.emplace_back(e.tag, out.size());
    if (e.data.size() <= 4) {
      std::vector<std::uint8_t> v = e.data;
      v.resize(4, 0);
      out.insert(out.end(), v.begin(), v.end());
    } else {
      put(out, std::uint32_t(extra + tail.size()), 4);
      tail.insert(tail.end(), e.data.begin(), e.data.end());
      if (tail.size() % 2) tail.push_back(0);
    }
  }
  put(out, 0, 4);  // no next directory
  out.insert(out.end(), tail.begin(), tail.end());
  return at;
}

void patch32(std::vector<std::uint8_t>& out, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out[at + std::size_t(i)] = std::uint8_t(value >> (8 * i));
}

std::size_t value_of(const std::vector<std::pair<std::uint16_t, std::size_t>>& value_at, std::uint16_t tag) {
  for (const auto& [t, at] : value_at)
    if (t == tag) return at;
  return 0;
}

}  // namespace

std::vector<std::uint8_t> make_dng(const DngSpec& spec) {
  const cv::Mat& p = spec.picture;
  const cv::Mat preview = spec.preview.empty() ? cv::Mat(1, 1, CV_8UC3, cv::Scalar::all(128)) : spec.preview;
  std::vector<std::uint8_t> out = {'I', 'I', 42, 0, 8, 0, 0, 0};
  const auto pw = std::uint32_t(preview.cols), ph = std::uint32_t(preview.rows);
  const auto w = std::uint32_t(p.cols), h = std::uint32_t(p.rows);
  std::vector<std::pair<std::uint16_t, std::size_t>> first, second;
  directory(out,
            {longs(254, {1}),
             longs(256, {pw}),
             longs(257, {ph}),
             shorts(258, {8, 8, 8}),
             shorts(259, {1}),
             shorts(262, {2}),
             text(271, "Canon"),
             text(272, "Test Camera"),
             longs(273, {0}),
             shorts(274, {std::uint32_t(spec.orientation)}),
             shorts(277, {3}),
             longs(278, {ph}),
             longs(279, {pw * ph * 3}),
             shorts(284, {1}),
             longs(330, {0}),
             bytes(50706, {1, 4, 0, 0}),
             text(50708, "Test Camera"),
             rationals(50721, kSRational, {1, 0, 0, 0, 1, 0, 0, 0, 1}),  // ColorMatrix1
             shorts(50778, {21}),                                        // D65
             rationals(50728, kRational, {1, 1, 1})},                    // AsShotNeutral
            first);
  patch32(out, value_of(first, 330), std::uint32_t(out.size()));
  directory(out,
            {longs(254, {0}), longs(256, {w}), longs(257, {h}), shorts(258, {16}), shorts(259, {1}),
             shorts(262, {32803}), longs(273, {0}), shorts(277, {1}), longs(278, {h}),
             longs(279, {w * h * 2}), shorts(284, {1}), shorts(33421, {2, 2}), bytes(33422, {0, 1, 1, 2}),
             shorts(50714, {0}), longs(50717, {65535})},
            second);
  // The preview, RGB.
  patch32(out, value_of(first, 273), std::uint32_t(out.size()));
  for (int y = 0; y < preview.rows; ++y)
    for (int x = 0; x < preview.cols; ++x) {
      const cv::Vec3b bgr = preview.at<cv::Vec3b>(y, x);
      out.insert(out.end(), {bgr[2], bgr[1], bgr[0]});
    }
  // The Bayer mosaic (RGGB), linear light: the sRGB picture's values to the power 2.2.
  patch32(out, value_of(second, 273), std::uint32_t(out.size()));
  for (int y = 0; y < p.rows; ++y)
    for (int x = 0; x < p.cols; ++x) {
      const cv::Vec3b bgr = p.at<cv::Vec3b>(y, x);
      const int channel = (y % 2 == 0) ? (x % 2 == 0 ? 2 : 1) : (x % 2 == 0 ? 1 : 0);  // R G / G B
      put(out, std::uint32_t(std::lround(std::pow(bgr[channel] / 255.0, 2.2) * 65535)), 2);
    }
  return out;
}

}  // namespace thumbflow::test
