// Cut and bit-flipped HEIC, AVIF and JPEG XL files through the `thumbnail` fuzz body (decode,
// resize, encode): it aborts the process on a crash or a broken invariant, so reaching the end is
// the assertion. The fuzzer explores further (tests/fuzz, seeds from make_seeds.cpp); this is the
// bounded, deterministic share of it that runs on every CI build.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "../fuzz/fuzz_targets.hpp"
#include "heif_maker.hpp"
#include "jxl_maker.hpp"
#include "test_support.hpp"

namespace thumbflow {
namespace {

using Buffer = std::vector<std::uint8_t>;

void cut_and_flip(const Buffer& file, unsigned seed) {
  for (std::size_t length = 1; length < file.size(); length += 1 + file.size() / 60)
    fuzz::thumbnail(file.data(), length);
  std::mt19937 rng(seed);
  for (int i = 0; i < 60; ++i) {
    Buffer m = file;
    for (unsigned k = 0; k < 1 + rng() % 8; ++k) m[rng() % m.size()] = static_cast<std::uint8_t>(rng());
    fuzz::thumbnail(m.data(), m.size());
  }
}

TEST(HeifJxlCorruption, CutAndFlippedFilesKeepTheFuzzContract) {
  const cv::Mat bgr = test::make_picture(64, 48, CV_8UC3), bgra = test::make_picture(64, 48, CV_8UC4);
  test::HeifSpec av1;
  av1.av1 = true;
  test::JxlSpec lossless;
  lossless.lossless = true;
  const std::vector<std::pair<std::string, Buffer>> files = {
      {"heic", test::encode_heif(bgr)},
      {"heic alpha", test::encode_heif(bgra)},
      {"avif", test::encode_heif(bgr, av1)},
      {"jxl", test::encode_jxl(bgr)},
      {"jxl lossless alpha", test::encode_jxl(bgra, lossless)},
  };
  unsigned seed = 1;
  for (const auto& [name, file] : files) {
    SCOPED_TRACE(name);
    cut_and_flip(file, seed++);
  }
  SUCCEED() << "no abort in " << files.size() * 120 << " corrupt inputs";
}

}  // namespace
}  // namespace thumbflow
