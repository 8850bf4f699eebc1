// Smart crop as a user runs it: `run data/ -s 64x64 --crop attention --report r.json` on the sample
// photos (JPEG, PNG, WebP, TIFF, BMP, an EXIF-rotated JPEG, 16-bit and gray ones).
#include <fstream>
#include <iterator>

#include "e2e_support.hpp"

namespace thumbflow::e2e {
namespace {

TEST(CropCli, EveryThumbnailIsTheBoxAndTheReportSaysWhereItWasCut) {
  TempDir tmp;
  const fs::path out = tmp / "out";
  const CommandResult r = run_cli({kDataDir.string(), "-o", out.string(), "-s", "64x48", "--crop",
                                   "attention", "--report", (tmp / "r.json").string(), "--json", "-q"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json report = read_json(tmp / "r.json");
  ASSERT_GE(report["items"].size(), 20u);
  for (const auto& item : report["items"]) {
    SCOPED_TRACE(item.dump());
    ASSERT_EQ(item["status"], "done");
    const cv::Mat thumbnail = read_image(item["output"].get<std::string>());
    ASSERT_FALSE(thumbnail.empty());
    EXPECT_EQ(thumbnail.cols, 64);
    EXPECT_EQ(thumbnail.rows, 48);
    // The window, in pixels of the upright original: inside it, of the box's shape (4:3) within
    // the rounding of the decoded scale.
    ASSERT_TRUE(item.contains("crop"));
    const auto& c = item["crop"];
    const int side = std::max(item["in"]["width"].get<int>(), item["in"]["height"].get<int>());
    EXPECT_GE(c["x"].get<int>(), 0);
    EXPECT_GE(c["y"].get<int>(), 0);
    EXPECT_LE(c["x"].get<int>() + c["w"].get<int>(), side);
    EXPECT_LE(c["y"].get<int>() + c["h"].get<int>(), side);
    const double shape = c["w"].get<double>() / c["h"].get<double>();
    EXPECT_NEAR(shape, 64.0 / 48.0, 0.03);
  }
  // The contact sheet's tiles are the box's shape too.
  std::ifstream html_file(out / "index.html");
  const std::string html((std::istreambuf_iterator<char>(html_file)), std::istreambuf_iterator<char>());
  std::size_t tiles = 0;
  for (std::size_t at = html.find("<img "); at != std::string::npos; at = html.find("<img ", at + 1)) {
    const std::string tag = html.substr(at, html.find('>', at) - at);
    EXPECT_NE(tag.find("width=\"64\" height=\"48\""), std::string::npos) << tag;
    ++tiles;
  }
  EXPECT_EQ(tiles, report["items"].size());
}

}  // namespace
}  // namespace thumbflow::e2e
