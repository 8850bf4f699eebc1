// `thumbflow gallery`: the embedded gallery end to end (listing, downloads, thumbnails), as the
// README's first command runs it.
#include <cstdio>

#include "e2e_support.hpp"
#include "http_server.hpp"

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

// A hostile page just under the 8 MiB limit, of entries full of fields nobody reads: parsing it
// keeps only what is read, so the whole listing stays within a small, fixed amount of memory
// (a DOM of it took 233 MB).
TEST(Gallery, AHugePageOfJunkIsListedInBoundedMemory) {
  test::HttpServer api;
  std::string body = R"({"data":[{"id":"first1","link":"http://192.0.2.1/first1.jpg","nsfw":false})";
  const std::string junk = R"(,{"id":"j","link":"x","a":{},"b":[[],[],{}],"c":{"d":[{},{}]}})";
  while (body.size() + junk.size() + 64 < (8u << 20)) body += junk;
  body += R"(],"success":true})";
  api.set("/3/gallery/hot/viral/day/0", test::Response::ok(body, "application/json"));
  const CommandResult r = gallery({"--api", api.url(""), "--dry-run", "-q"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("http://192.0.2.1/first1.jpg"), std::string::npos) << describe(r);
  std::printf("[gallery-memory] 8 MiB junk page: peak RSS %ld MB\n", r.max_rss_kb / 1024);
  EXPECT_LT(r.max_rss_kb, 150L * 1024) << describe(r);
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

// --allow-private-urls reaches the API's redirects too: a local gallery that moves its page to
// another loopback port is listed with it, refused without it. Before, it was refused either way.
TEST(Gallery, AllowPrivateUrlsAppliesToTheApisRedirects) {
  test::HttpServer api, moved;
  serve_moved_gallery_page(api, moved);
  const CommandResult refused = gallery({"--api", api.url(""), "--dry-run"});
  EXPECT_EQ(refused.exit_code, 2) << describe(refused);
  EXPECT_EQ(lines_with(refused.err, "page 0: refused: 127.0.0.1 is a loopback address").size(), 1u)
      << describe(refused);
  const CommandResult allowed = gallery({"--api", api.url(""), "--dry-run", "--allow-private-urls"});
  EXPECT_EQ(allowed.exit_code, 0) << describe(allowed);
  EXPECT_NE(allowed.out.find("http://192.0.2.1/m1.jpg"), std::string::npos) << describe(allowed);
}

// A gallery API the user names is trusted, and so are links to its own host and port; a link it
// lists to another internal address (here another loopback port) is refused unless allowed.
TEST(Gallery, ListedLinksToInternalAddressesAreRefusedUnlessAllowed) {
  TempDir dir;
  test::HttpServer api, other;
  const auto jpeg = test::encode(test::make_picture(320, 240, CV_8UC3, 3), ".jpg");
  const std::string body(jpeg.begin(), jpeg.end());
  api.set("/i/same.jpg", test::Response::ok(body, "image/jpeg"));
  other.set("/i/other.jpg", test::Response::ok(body, "image/jpeg"));
  nlohmann::json data = nlohmann::json::array();
  for (const auto& [id, link] : {std::pair{std::string("same"), api.url("/i/same.jpg")},
                                 std::pair{std::string("other"), other.url("/i/other.jpg")}})
    data.push_back(gallery_image_json(id, link, jpeg.size()));
  api.set("/3/gallery/hot/viral/day/0",
          test::Response::ok(nlohmann::json{{"data", data}, {"success", true}, {"status", 200}}.dump(),
                             "application/json"));
  api.set("/3/gallery/hot/viral/day/1",
          test::Response::ok(R"({"data":[],"success":true,"status":200})", "application/json"));
  const std::vector<std::string> args = {"--api", api.url(""), "--pages",
                                         "2",     "--report",  (dir / "report.json").string()};
  std::vector<std::string> guarded = args;
  guarded.insert(guarded.end(), {"-o", (dir / "a").string()});
  const CommandResult r = gallery(guarded);
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  const auto refused =
      lines_with(r.err, "refused: 127.0.0.1 is a loopback address; --allow-private-urls to allow");
  ASSERT_EQ(refused.size(), 1u) << describe(r);
  EXPECT_NE(refused[0].find("other.jpg"), std::string::npos) << refused[0];
  EXPECT_EQ(other.request_count("/i/other.jpg"), 0);
  EXPECT_FALSE(read_image(dir / "a" / "same_thumbnail.jpg").empty()) << describe(r);

  std::vector<std::string> allowed = args;
  allowed.insert(allowed.end(), {"-o", (dir / "b").string(), "--allow-private-urls"});
  const CommandResult ok = gallery(allowed);
  EXPECT_EQ(ok.exit_code, 0) << describe(ok);
  EXPECT_EQ(other.request_count("/i/other.jpg"), 1);
  EXPECT_FALSE(read_image(dir / "b" / "other_thumbnail.jpg").empty()) << describe(ok);
}

}  // namespace
}  // namespace thumbflow::e2e
