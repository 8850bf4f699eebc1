// `thumbflow gallery`: the embedded gallery end to end (listing, downloads, thumbnails), as the
// README's first command runs it.
#include "e2e_support.hpp"

namespace thumbflow::e2e {
namespace {

CommandResult gallery(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kCli, "gallery"};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_command(argv, kRunTimeoutS);
}

// The sample images the gallery lists by default: still JPEG, PNG and WebP files.
std::vector<fs::path> still_samples() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kDataDir)) {
    const std::string ext = ext_of(e.path());
    if (ext == "jpg" || ext == "jpeg" || ext == "png" || ext == "webp") out.push_back(e.path());
  }
  return out;
}

TEST(Gallery, DemoMakesOneThumbnailPerStillImageOfTheEmbeddedGallery) {
  TempDir dir;
  const fs::path out = dir / "thumbs";
  const CommandResult r = gallery({"--demo", "--latency-ms", "20", "-o", out.string(), "--report",
                                   (dir / "report.json").string(), "--samples", kDataDir.string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const std::size_t expected = still_samples().size();
  ASSERT_GT(expected, 10u);
  std::vector<std::string> thumbs = files_under(out);
  std::erase_if(thumbs, [](const std::string& f) { return f.find("_thumbnail.") == std::string::npos; });
  EXPECT_EQ(thumbs.size(), expected) << describe(r);
  for (const std::string& name : thumbs) {
    const cv::Mat m = read_image(out / name);
    ASSERT_FALSE(m.empty()) << name;
    EXPECT_TRUE(m.cols <= 128 && m.rows <= 128 && (m.cols == 128 || m.rows == 128))
        << name << " " << m.size();
  }
  const nlohmann::json report = read_json(dir / "report.json");
  EXPECT_EQ(report["summary"]["done"], expected);
  EXPECT_EQ(report["summary"]["failed"], 0);
  for (const auto& item : report["items"]) {
    EXPECT_EQ(item["input"].get<std::string>().rfind("http://127.0.0.1:", 0), 0u) << item;
    EXPECT_FALSE(item.value("tag", "").empty()) << "the image id: " << item;
  }
  EXPECT_FALSE(lines_with(r.err, "demo gallery of").empty()) << describe(r);
  EXPECT_TRUE(temp_leftovers(dir.path()).empty());
}

TEST(Gallery, ARerunDownloadsNothing) {
  TempDir dir;
  const std::vector<std::string> args = {"--demo",          "-o",       (dir / "t").string(),     "--samples",
                                         kDataDir.string(), "--report", (dir / "r.json").string()};
  ASSERT_EQ(gallery(args).exit_code, 0);
  const CommandResult again = gallery(args);
  ASSERT_EQ(again.exit_code, 0) << describe(again);
  const nlohmann::json report = read_json(dir / "r.json");
  EXPECT_EQ(report["summary"]["done"], 0);
  EXPECT_EQ(report["summary"]["skipped"], still_samples().size());
}

TEST(Gallery, DryRunListsWithoutDownloading) {
  TempDir dir;
  const CommandResult r =
      gallery({"--demo", "--dry-run", "--samples", kDataDir.string(), "-o", (dir / "t").string()});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), still_samples().size() + 1) << describe(r);
  EXPECT_EQ(lines[0].rfind("id\ttype\tbytes", 0), 0u);
  EXPECT_NE(lines[1].find("\thttp://127.0.0.1:"), std::string::npos) << lines[1];
  EXPECT_FALSE(fs::exists(dir / "t"));
}

TEST(Gallery, FiltersAndLimit) {
  TempDir dir;
  const CommandResult r =
      gallery({"--demo", "--dry-run", "--samples", kDataDir.string(), "--types", "png", "--limit", "3"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 4u) << describe(r);
  for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_NE(lines[i].find("\timage/png\t"), std::string::npos);
}

TEST(Gallery, ARemoteApiWithoutAClientIdIsAOneLineError) {
  TempDir dir;
  const CommandResult r = test::run_command(
      {"/usr/bin/env", "-u", "IMGUR_CLIENT_ID", kCli, "gallery", "-o", (dir / "t").string()});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << describe(r);
  EXPECT_TRUE(contains_ci(r.err, "IMGUR_CLIENT_ID")) << describe(r);
  EXPECT_FALSE(fs::exists(dir / "t"));
}

}  // namespace
}  // namespace thumbflow::e2e
