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

// --crop face opens thumbflow's face module, and with it libopencv_objdetect, only when asked for:
// a plain run loads neither (they cost ~7 ms of every start). A missing module is one line before
// anything starts.
TEST(CropCli, TheFaceModuleIsLoadedOnlyForFaceCrops) {
  TempDir tmp;
  copy_from_data(tmp / "in", {"messi5.jpg"});
  const LoggedRun plain =
      run_cli_logging_loads({(tmp / "in").string(), "-o", (tmp / "plain").string(), "-q"}, tmp / "log");
  ASSERT_EQ(plain.result.exit_code, 0) << describe(plain.result);
  ASSERT_NE(plain.opened.find("libopencv_core"), std::string::npos) << "the loader's log names no library";
  EXPECT_EQ(plain.opened.find("libopencv_objdetect"), std::string::npos);
  EXPECT_EQ(plain.opened.find("thumbflow/face.so"), std::string::npos);

  const LoggedRun missing = run_cli_logging_loads(
      {(tmp / "in").string(), "-o", (tmp / "missing").string(), "-s", "40x100", "--crop", "face"},
      tmp / "log", {"THUMBFLOW_FACE_MODULE=" + (tmp / "nowhere.so").string()});
  EXPECT_NE(missing.result.exit_code, 0);
  EXPECT_EQ(lines_with(missing.result.err, "THUMBFLOW_FACE_MODULE").size(), 1u) << describe(missing.result);
  EXPECT_TRUE(files_under(tmp / "missing").empty());

  const LoggedRun face = run_cli_logging_loads(
      {(tmp / "in").string(), "-o", (tmp / "face").string(), "-s", "40x100", "--crop", "face", "-q"},
      tmp / "log");
  if (face.result.exit_code != 0 && contains_ci(face.result.err, "opencv-data"))
    GTEST_SKIP() << "no face cascade: " << face.result.err;
  ASSERT_EQ(face.result.exit_code, 0) << describe(face.result);
  EXPECT_EQ(read_image(tmp / "face" / "messi5_thumbnail.jpg").size(), cv::Size(40, 100));
  EXPECT_NE(face.opened.find("thumbflow/face.so"), std::string::npos);
  EXPECT_NE(face.opened.find("libopencv_objdetect"), std::string::npos);
}

}  // namespace
}  // namespace thumbflow::e2e
