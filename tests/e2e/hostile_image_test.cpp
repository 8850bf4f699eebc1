// Hostile images (issue 9): decompression bombs, thousands of progressive scans, huge EXIF, absurd
// ICC profiles, zero sizes, out-of-range palette indices. Each one, generated here, is given to
// `thumbflow run` next to a good image: it is refused with one clear line naming it, or turned into
// a thumbnail, within bounded time and memory; the good image is always done.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <functional>

#include "e2e_support.hpp"
#include "hostile_images.hpp"

namespace thumbflow::e2e {
namespace {

using test::Bytes;

// A run of the CLI on a small image uses about 80 MB; a hostile one may add its own size in
// decoded pixels at most (the pixel limit keeps that under a few hundred MB). A kill by the test
// harness (exit -1) after kTimeoutS is the failure "unbounded time".
constexpr long kMaxRssKb = 600L * 1024;
constexpr int kTimeoutS = 30;

struct HostileCase {
  std::string name;  // file name, also the test's name
  std::function<Bytes()> make;
  std::vector<std::string> extra_args;
  // Refused: exit 2 and one stderr line "thumbflow: <path>: <reason>" containing `reason`.
  // Otherwise a thumbnail of the expected size is written (exit 0).
  bool refused = true;
  std::string reason;
  int thumb_width = 0, thumb_height = 0;
};

void PrintTo(const HostileCase& c, std::ostream* os) { *os << c.name; }

class Hostile : public ::testing::TestWithParam<HostileCase> {};

TEST_P(Hostile, RefusedOrHandledInBoundedTimeAndMemory) {
  const HostileCase& c = GetParam();
  TempDir tmp;
  const fs::path in = tmp / "in", out = tmp / "out", bad = in / c.name;
  copy_from_data(in, {"fruits.jpg"});
  test::write_bytes(bad, c.make());
  const auto input_bytes = fs::file_size(bad);
  std::vector<std::string> args = {bad.string(), (in / "fruits.jpg").string(), "-o", out.string(), "-q"};
  args.insert(args.end(), c.extra_args.begin(), c.extra_args.end());

  const auto start = std::chrono::steady_clock::now();
  const CommandResult r = run_cli(args, kTimeoutS);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // For the closing note: what each case did, how long it took, how much memory.
  const auto lines = lines_with(r.err, bad.string());
  std::printf("[hostile] %s (%ju bytes): exit %d, %.2f s, peak RSS %ld MB: %s\n", c.name.c_str(),
              std::uintmax_t(input_bytes), r.exit_code, seconds, r.max_rss_kb / 1024,
              lines.empty() ? "(no error line)" : lines[0].c_str());
  RecordProperty("seconds", std::to_string(seconds));
  RecordProperty("max_rss_kb", std::to_string(r.max_rss_kb));

  ASSERT_NE(r.exit_code, -1) << "still running after " << kTimeoutS << " s";
  EXPECT_LT(r.max_rss_kb, kMaxRssKb);
  EXPECT_TRUE(fs::exists(out / "fruits_thumbnail.jpg")) << "the good image is done";
  EXPECT_TRUE(temp_leftovers(tmp.path()).empty());
  const fs::path thumb = out / default_thumbnail_name(bad);
  if (c.refused) {
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(lines_of(r.err).size(), 1u) << "one line, for the hostile file only:\n" << r.err;
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_EQ(lines[0].rfind("thumbflow: " + bad.string() + ": ", 0), 0u) << lines[0];
    EXPECT_TRUE(contains_ci(lines[0], c.reason)) << lines[0];
    EXPECT_FALSE(fs::exists(thumb));
  } else {
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    const cv::Mat t = read_image(thumb);
    ASSERT_FALSE(t.empty()) << describe(r);
    EXPECT_EQ(t.size(), cv::Size(c.thumb_width, c.thumb_height));
  }
}

HostileCase refused(std::string name, std::function<Bytes()> make, std::string reason,
                    std::vector<std::string> extra = {}) {
  return {std::move(name), std::move(make), std::move(extra), true, std::move(reason), 0, 0};
}

HostileCase handled(std::string name, std::function<Bytes()> make, int width, int height,
                    std::vector<std::string> extra = {}) {
  return {std::move(name), std::move(make), std::move(extra), false, "", width, height};
}

INSTANTIATE_TEST_SUITE_P(
    Images, Hostile,
    ::testing::Values(
        // Decompression bombs: a few hundred bytes declaring 10 GP / 4.3 GP.
        refused(
            "bomb_100000x100000.png", [] { return test::png_declaring(100000, 100000); }, "over the limit"),
        refused(
            "bomb_65500x65500.jpg", [] { return test::jpeg_declaring(65500, 65500); }, "truncated"),
        // At any box: a few hundred bytes cannot hold 65500x65500 pixels' worth of Huffman data,
        // refused at the header (the pixel limit on what a sequential JPEG holds: unit tests).
        refused("bomb_65500x65500_big_box.jpg", [] { return test::jpeg_declaring(65500, 65500); },
                "truncated JPEG (", {"-s", "10000"}),
        // The same with the limit switched off: the decoders' own limits and the truncated data stop them.
        refused("bomb_nolimit_100000x100000.png", [] { return test::png_declaring(100000, 100000); },
                "truncated or corrupt PNG", {"--max-pixels", "0"}),
        refused("bomb_nolimit_65500x65500.jpg", [] { return test::jpeg_declaring(65500, 65500); },
                "truncated", {"--max-pixels", "0"}),
        // 2082 scans: the DC-only path (1/8 scale) needs only the first three; a full decode stops
        // at scan 1000.
        handled("scans_2082.jpg", [] { return test::jpeg_with_thousands_of_scans(1024, 768); }, 64, 48,
                {"-s", "64"}),
        refused("scans_2082_full.jpg", [] { return test::jpeg_with_thousands_of_scans(1024, 768); },
                "too many scans", {"--decode", "full"}),
        // Metadata: 101 full APP1 Exif segments (6.6 MB) of looping IFDs; a 16 MB PNG eXIf chunk.
        handled(
            "exif_6MB.jpg", [] { return test::jpeg_with_huge_exif(100); }, 64, 48),
        handled(
            "exif_16MB.png", [] { return test::png_with_huge_exif(16u << 20); }, 64, 48),
        // ICC: a PNG whose iCCP inflates to 64 MB; a JPEG with 64 full APP2 segments claiming 4 GB.
        handled(
            "icc_bomb_64MB.png", [] { return test::png_with_icc_bomb(64u << 20); }, 64, 48),
        handled(
            "icc_4MB.jpg", [] { return test::jpeg_with_huge_icc(64); }, 64, 48),
        // Zero sizes.
        refused(
            "zero_width.png", [] { return test::png_declaring(0, 100); }, "empty"),
        refused(
            "zero_width.jpg", [] { return test::jpeg_declaring(0, 64); }, "JPEG"),
        refused(
            "zero_width.bmp", [] { return test::bmp_declaring(0, 100, 300); }, "BMP"),
        // 2000 tags sharing one 1 MB blob: libtiff would read them all (2 GB) on opening the file.
        refused(
            "tags_sharing_data.tif", [] { return test::tiff_with_shared_tag_data(2000, 1u << 20); },
            "more than the whole file"),
        // 20 MP of alpha from 88 KB: the alpha resize held the picture twice in float (721 MB
        // peak), now once (488 MB).
        handled(
            "alpha_20MP.png", [] { return test::png_flat_rgba(4500, 4500); }, 128, 128),
        // Indices 2..255 into a 2-colour palette.
        handled(
            "palette_out_of_range.png", [] { return test::png_palette_out_of_range(256, 256); }, 128, 128)),
    [](const ::testing::TestParamInfo<HostileCase>& param_info) {
      std::string name = param_info.param.name;
      for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return name;
    });

}  // namespace
}  // namespace thumbflow::e2e
