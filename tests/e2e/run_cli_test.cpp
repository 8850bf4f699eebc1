// `thumbflow run` on the sample images: names, sizes, untouched inputs, formats, re-runs,
// parallel vs serial, folders, --json and -q.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "e2e_support.hpp"

namespace thumbflow::e2e {
namespace {

// Upright size of an input as a viewer shows it (OpenCV applies EXIF orientation for IMREAD_COLOR).
cv::Size upright_size(const fs::path& p) {
  const cv::Mat m = read_image(p, cv::IMREAD_COLOR);
  return m.size();
}

TEST(RunCli, SampleSetFitsTheBoxAndLeavesInputsAlone) {
  TempDir tmp;
  const fs::path in = tmp / "in", out = tmp / "out", report = tmp / "report.json";
  const std::vector<fs::path> inputs = copy_samples(in);
  ASSERT_GE(inputs.size(), 20u);
  const auto before = snapshot(in);

  const CommandResult r =
      run_cli({in.string(), "-o", out.string(), "-s", "128x128", "--report", report.string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);

  std::set<std::string> expected_outputs;
  for (const fs::path& input : inputs) {
    SCOPED_TRACE(input.filename().string());
    const std::string name = default_thumbnail_name(input);
    expected_outputs.insert(name);
    const fs::path thumb = out / name;
    ASSERT_TRUE(fs::exists(thumb));
    const cv::Mat t = read_image(thumb);
    ASSERT_FALSE(t.empty()) << "output does not decode";
    EXPECT_EQ(sniff(thumb), ext_of(thumb) == "jpeg" ? "jpg" : ext_of(thumb));
    EXPECT_EQ(t.depth(), CV_8U);

    const cv::Size src = upright_size(input);
    ASSERT_FALSE(src.empty());
    EXPECT_LE(t.cols, 128);
    EXPECT_LE(t.rows, 128);
    const bool landscape = src.width >= src.height;
    const int long_out = landscape ? t.cols : t.rows, short_out = landscape ? t.rows : t.cols;
    const int long_in = std::max(src.width, src.height), short_in = std::min(src.width, src.height);
    EXPECT_EQ(long_out, std::min(128, long_in)) << "in " << src << ", out " << t.size();
    EXPECT_NEAR(short_out, double(short_in) * long_out / long_in, 1.0)
        << "in " << src << ", out " << t.size();
  }
  const std::vector<std::string> written = files_under(out);
  EXPECT_EQ(std::set<std::string>(written.begin(), written.end()), expected_outputs)
      << "the output folder holds exactly one thumbnail per input";
  EXPECT_EQ(snapshot(in), before) << "inputs must be byte-identical afterwards";
  EXPECT_TRUE(temp_leftovers(tmp.path()).empty());

  // The report agrees with what is on disk.
  const nlohmann::json rep = read_json(report);
  EXPECT_EQ(rep["summary"]["total"], inputs.size());
  EXPECT_EQ(rep["summary"]["done"], inputs.size());
  EXPECT_EQ(rep["summary"]["failed"], 0);
  ASSERT_EQ(rep["items"].size(), inputs.size());
  for (const auto& item : rep["items"]) {
    SCOPED_TRACE(item.dump());
    EXPECT_EQ(item["status"], "done");
    EXPECT_FALSE(item.contains("error"));
    const fs::path output = item["output"].get<std::string>();
    const fs::path input = item["input"].get<std::string>();
    ASSERT_TRUE(fs::exists(output));
    EXPECT_EQ(output.filename().string(), default_thumbnail_name(input));
    const cv::Mat t = read_image(output);
    EXPECT_EQ(item["out"]["width"], t.cols);
    EXPECT_EQ(item["out"]["height"], t.rows);
    EXPECT_GT(item["in"]["width"].get<int>(), 0);
    EXPECT_GT(item["in"]["height"].get<int>(), 0);
    EXPECT_EQ(item["bytes_in"], fs::file_size(input));
    EXPECT_EQ(item["bytes_out"], fs::file_size(output));
    for (const char* stage : {"read", "decode", "resize", "encode", "write"})
      EXPECT_GE(item["ms"][stage].get<double>(), 0.0) << stage;
  }
}

TEST(RunCli, BoxSpellings) {
  TempDir tmp;
  test::write_bytes(tmp / "in" / "p.png", test::encode(test::make_picture(300, 200, CV_8UC3), ".png"));
  struct Case {
    std::vector<std::string> args;
    cv::Size size;
  };
  const std::vector<Case> cases = {
      {{"-s", "64"}, {64, 43}},           {{"-s", "100x"}, {100, 67}},
      {{"-s", "x50"}, {75, 50}},          {{"-s", "200x20"}, {30, 20}},
      {{"-s", "1000"}, {300, 200}},       {{"-s", "1000", "--enlarge"}, {1000, 667}},
      {{"--size", "150x150"}, {150, 100}}};
  int n = 0;
  for (const Case& c : cases) {
    const fs::path out = tmp / ("out" + std::to_string(n++));
    std::vector<std::string> args = {(tmp / "in").string(), "-o", out.string()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const CommandResult r = run_cli(args);
    SCOPED_TRACE(c.args[1]);
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const cv::Mat t = read_image(out / "p_thumbnail.png");
    ASSERT_FALSE(t.empty());
    EXPECT_EQ(t.size(), c.size);
  }
}

TEST(RunCli, EveryInputFormatIsRead) {
  TempDir tmp;
  const std::vector<std::string> names = {"fruits.jpg",  "aloeL_progressive.jpg", "rubberwhale1.png",
                                          "fruits.webp", "butterfly.bmp",         "squirrel_cls_lzw.tif"};
  copy_from_data(tmp / "in", names);
  const CommandResult r = run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  for (const auto& n : names) {
    const fs::path thumb = tmp / "out" / default_thumbnail_name(n);
    EXPECT_FALSE(read_image(thumb).empty()) << thumb;
  }
}

TEST(RunCli, OutputFormatOptionWritesThatFormat) {
  TempDir tmp;
  // Distinct stems: with one output format, fruits.jpg and fruits.webp would collide.
  const std::vector<std::string> names = {"fruits.jpg",    "rubberwhale1.png",     "opencv-logo_alpha.webp",
                                          "butterfly.bmp", "squirrel_cls_lzw.tif", "opencv-logo.png"};
  copy_from_data(tmp / "in", names);
  for (const std::string fmt : {"png", "jpg", "webp", "jpeg"}) {
    SCOPED_TRACE(fmt);
    const fs::path out = tmp / ("out_" + fmt);
    const CommandResult r = run_cli({(tmp / "in").string(), "-o", out.string(), "--format", fmt, "-q"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const std::string written_ext = fmt == "jpeg" ? "jpg" : fmt;
    for (const auto& n : names) {
      const fs::path thumb = out / (fs::path(n).stem().string() + "_thumbnail." + written_ext);
      ASSERT_TRUE(fs::exists(thumb)) << thumb;
      EXPECT_EQ(sniff(thumb), written_ext) << thumb;
      EXPECT_FALSE(read_image(thumb).empty()) << thumb;
    }
    EXPECT_EQ(files_under(out).size(), names.size());
  }
}

TEST(RunCli, QualityChangesJpegSize) {
  TempDir tmp;
  copy_from_data(tmp / "in", {"baboon.jpg"});
  std::uintmax_t sizes[2] = {0, 0};
  const char* qualities[2] = {"10", "95"};
  for (int i = 0; i < 2; ++i) {
    const fs::path out = tmp / ("q" + std::string(qualities[i]));
    const CommandResult r =
        run_cli({(tmp / "in").string(), "-o", out.string(), "--quality", qualities[i], "-q"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    sizes[i] = fs::file_size(out / "baboon_thumbnail.jpg");
  }
  EXPECT_LT(sizes[0], sizes[1]) << "--quality 10 should give a smaller file than --quality 95";
}

TEST(RunCli, ReRunSkipsAndForceRedoes) {
  TempDir tmp;
  const fs::path in = tmp / "in", out = tmp / "out";
  copy_from_data(in, {"fruits.jpg", "rubberwhale1.png", "fruits.webp", "butterfly.bmp"});
  const std::vector<std::string> args = {in.string(), "-o", out.string(), "--json", "-q"};

  const CommandResult first = run_cli(args);
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  EXPECT_EQ(nlohmann::json::parse(first.out)["done"], 4);
  const auto outputs = snapshot(out);
  ASSERT_EQ(outputs.size(), 4u);
  std::map<std::string, fs::file_time_type> mtimes;
  for (const auto& [rel, bytes] : outputs) mtimes[rel] = fs::last_write_time(out / rel);

  const fs::path report = tmp / "second.json";
  std::vector<std::string> again = args;
  again.insert(again.end(), {"--report", report.string()});
  const CommandResult second = run_cli(again);
  ASSERT_EQ(second.exit_code, 0) << describe(second);
  const auto summary = nlohmann::json::parse(second.out);
  EXPECT_EQ(summary["total"], 4);
  EXPECT_EQ(summary["skipped"], 4) << second.out;
  EXPECT_EQ(summary["done"], 0);
  const nlohmann::json rep = read_json(report);  // named: a range-for over a temporary's member dangles
  for (const auto& item : rep["items"]) EXPECT_EQ(item["status"], "skipped") << item.dump();
  EXPECT_EQ(snapshot(out), outputs);
  for (const auto& [rel, t] : mtimes) EXPECT_EQ(fs::last_write_time(out / rel), t) << rel << " was rewritten";

  // An input newer than its thumbnail is redone; the others are still skipped.
  fs::last_write_time(in / "fruits.jpg", fs::file_time_type::clock::now() + std::chrono::hours(1));
  const CommandResult third = run_cli(args);
  ASSERT_EQ(third.exit_code, 0) << describe(third);
  EXPECT_EQ(nlohmann::json::parse(third.out)["done"], 1) << third.out;
  EXPECT_EQ(nlohmann::json::parse(third.out)["skipped"], 3) << third.out;

  std::vector<std::string> forced = args;
  forced.push_back("--force");
  const CommandResult fourth = run_cli(forced);
  ASSERT_EQ(fourth.exit_code, 0) << describe(fourth);
  EXPECT_EQ(nlohmann::json::parse(fourth.out)["done"], 4) << fourth.out;
  EXPECT_EQ(nlohmann::json::parse(fourth.out)["skipped"], 0) << fourth.out;
  EXPECT_EQ(files_under(out).size(), 4u);
  EXPECT_TRUE(temp_leftovers(tmp.path()).empty());
}

// A small tree: top level, one sub-folder and one below it.
void make_tree(const fs::path& in) {
  copy_from_data(in, {"fruits.jpg", "rubberwhale1.png", "butterfly.bmp"});
  copy_from_data(in / "trip", {"baboon.jpg", "fruits.webp", "squirrel_cls_lzw.tif"});
  copy_from_data(in / "trip" / "day 2", {"opencv-logo.png", "squirrel_gray.jpg", "baboon_gray16.png"});
}

const std::vector<std::string> kTreeOutputs = {"butterfly_thumbnail.png",
                                               "fruits_thumbnail.jpg",
                                               "rubberwhale1_thumbnail.png",
                                               "trip/baboon_thumbnail.jpg",
                                               "trip/day 2/baboon_gray16_thumbnail.png",
                                               "trip/day 2/opencv-logo_thumbnail.png",
                                               "trip/day 2/squirrel_gray_thumbnail.jpg",
                                               "trip/fruits_thumbnail.webp",
                                               "trip/squirrel_cls_lzw_thumbnail.png"};

TEST(RunCli, NestedFoldersAreMirrored) {
  TempDir tmp;
  make_tree(tmp / "in");
  const CommandResult r = run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(files_under(tmp / "out"), kTreeOutputs);
}

TEST(RunCli, NoRecursiveIgnoresSubFolders) {
  TempDir tmp;
  make_tree(tmp / "in");
  const CommandResult r =
      run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "--no-recursive", "--json", "-q"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(files_under(tmp / "out"),
            (std::vector<std::string>{"butterfly_thumbnail.png", "fruits_thumbnail.jpg",
                                      "rubberwhale1_thumbnail.png"}));
  EXPECT_EQ(nlohmann::json::parse(r.out)["total"], 3);
}

TEST(RunCli, FilesAndFoldersCanBeMixed) {
  TempDir tmp;
  make_tree(tmp / "in");
  const CommandResult r =
      run_cli({(tmp / "in" / "fruits.jpg").string(), (tmp / "in" / "trip" / "day 2").string(), "-o",
               (tmp / "out").string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(files_under(tmp / "out"),
            (std::vector<std::string>{"baboon_gray16_thumbnail.png", "fruits_thumbnail.jpg",
                                      "opencv-logo_thumbnail.png", "squirrel_gray_thumbnail.jpg"}));
}

TEST(RunCli, SerialAndThreadCountsGiveTheSameThumbnails) {
  TempDir tmp;
  make_tree(tmp / "in");
  const std::vector<std::vector<std::string>> modes = {
      {}, {"--serial"}, {"-j", "1"}, {"-j", "2"}, {"-j", "2", "--in-flight", "1"}};
  std::vector<fs::path> outs;
  for (std::size_t i = 0; i < modes.size(); ++i) {
    outs.push_back(tmp / ("out" + std::to_string(i)));
    std::vector<std::string> args = {(tmp / "in").string(), "-o", outs.back().string(), "--json", "-q"};
    args.insert(args.end(), modes[i].begin(), modes[i].end());
    const CommandResult r = run_cli(args);
    ASSERT_EQ(r.exit_code, 0) << "mode " << i << ": " << describe(r);
    const auto summary = nlohmann::json::parse(r.out);
    EXPECT_EQ(summary["done"], kTreeOutputs.size());
    if (i == 1) {
      EXPECT_EQ(summary["serial"], true);
    } else if (i == 2) {
      EXPECT_EQ(summary["threads"], 1);
    } else if (i == 3) {
      EXPECT_EQ(summary["threads"], 2);
    }
  }
  for (std::size_t i = 0; i < outs.size(); ++i) {
    SCOPED_TRACE("mode " + std::to_string(i));
    ASSERT_EQ(files_under(outs[i]), kTreeOutputs);
    for (const auto& rel : kTreeOutputs) {
      const cv::Mat ref = read_image(outs[0] / rel), t = read_image(outs[i] / rel);
      ASSERT_FALSE(t.empty()) << rel;
      ASSERT_EQ(t.size(), ref.size()) << rel;
      ASSERT_EQ(t.type(), ref.type()) << rel;
      expect_psnr_at_least(ref, t, 50.0, "mode" + std::to_string(i) + "_" + rel);
    }
  }
}

TEST(RunCli, JsonGoesToStdoutOnly) {
  TempDir tmp;
  copy_from_data(tmp / "in", {"fruits.jpg", "rubberwhale1.png"});
  const CommandResult r = run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  nlohmann::json summary;
  ASSERT_NO_THROW(summary = nlohmann::json::parse(r.out)) << "stdout must be exactly one JSON document:\n"
                                                          << r.out;
  ASSERT_TRUE(summary.is_object());
  EXPECT_EQ(summary["total"], 2);
  EXPECT_EQ(summary["done"], 2);
  EXPECT_EQ(summary["skipped"], 0);
  EXPECT_EQ(summary["failed"], 0);
  EXPECT_EQ(summary["cancelled"], 0);
  EXPECT_GE(summary["seconds"].get<double>(), 0.0);
  EXPECT_EQ(r.err.find('{'), std::string::npos) << "no JSON on stderr: " << r.err;
}

TEST(RunCli, WithoutJsonStdoutIsEmptyAndTheSummaryIsOnStderr) {
  TempDir tmp;
  copy_from_data(tmp / "in", {"fruits.jpg", "rubberwhale1.png"});
  const CommandResult r = run_cli({(tmp / "in").string(), "-o", (tmp / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(r.err.empty());
  EXPECT_NE(r.err.find((tmp / "out").string()), std::string::npos) << "the summary names the output folder";
}

TEST(RunCli, QuietPrintsNothingWhenAllSucceed) {
  TempDir tmp;
  copy_from_data(tmp / "in", {"fruits.jpg", "rubberwhale1.png"});
  const CommandResult r = run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(files_under(tmp / "out").size(), 2u);
}

TEST(RunCli, VerboseLogsEveryItem) {
  TempDir tmp;
  copy_from_data(tmp / "in", {"fruits.jpg", "rubberwhale1.png"});
  const CommandResult r = run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "-v"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(lines_with(r.err, "fruits.jpg").size(), 1u) << r.err;
  EXPECT_EQ(lines_with(r.err, "rubberwhale1.png").size(), 1u) << r.err;
}

}  // namespace
}  // namespace thumbflow::e2e

namespace thumbflow::e2e {
namespace {

// OpenCV's imgcodecs brings ~120 shared libraries (GDAL, HDF5, ...) and ~80 ms of dynamic loading
// to every process start; thumbflow opens it only when a PNG, TIFF, BMP ... needs it.
TEST(RunCli, StartsWithoutOpenCvImageCodecsLibheifOrLibjxl) {
  const std::string ldd_program = find_program("ldd");  // libc-bin: on every Debian system
  ASSERT_FALSE(ldd_program.empty());
  const CommandResult ldd = test::run_command({ldd_program, kCli});
  ASSERT_EQ(ldd.exit_code, 0) << ldd.err;
  EXPECT_EQ(ldd.out.find("libopencv_imgcodecs"), std::string::npos) << ldd.out;
  EXPECT_EQ(ldd.out.find("libgdal"), std::string::npos) << ldd.out;
  EXPECT_NE(ldd.out.find("libopencv_core"), std::string::npos) << ldd.out;
  // libheif and libjxl too are opened when a HEIC/AVIF or JPEG XL file comes (heif_jxl_test reads them).
  for (const char* lib : {"libheif", "libde265", "libdav1d", "libaom", "libx265", "libjxl", "libhwy"})
    EXPECT_EQ(ldd.out.find(lib), std::string::npos) << lib << "\n" << ldd.out;

  // ... and still reads and writes what needs it: a PNG and a TIFF to PNG thumbnails.
  TempDir tmp;
  copy_from_data(tmp / "in", {"chicky_512.png", "squirrel_cls_lzw.tif"});
  const CommandResult r = run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "--format", "png"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(read_image(tmp / "out" / "chicky_512_thumbnail.png").empty(), false);
  EXPECT_FALSE(read_image(tmp / "out" / "squirrel_cls_lzw_thumbnail.png").empty());
}

}  // namespace
}  // namespace thumbflow::e2e
