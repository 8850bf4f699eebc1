// The embedded gallery (GalleryServer) over real HTTP on 127.0.0.1, read back with the client's
// own parser: pages, albums, files, auth, validation, rate limits, latency, concurrency, stop.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gallery/imgur_json.hpp"
#include "gif_maker.hpp"
#include "test_support.hpp"
#include "thumbflow/gallery.hpp"

namespace thumbflow {
namespace {

namespace fs = std::filesystem;
using detail::GalleryImage;
using detail::image_id_for;
using Clock = std::chrono::steady_clock;

const httplib::Headers kAuth = {{"Authorization", "Client-ID test"}};

// An animated GIF: 3x2, two frames (listed as animated, its size read through the codec table).
std::vector<std::uint8_t> animated_gif() {
  test::GifSpec spec{3, 2, {{255, 0, 0}, {0, 0, 255}}, {}};
  for (int i = 0; i < 2; ++i) {
    test::GifFrameSpec f;
    f.indices = cv::Mat(2, 3, CV_8UC1, cv::Scalar(i));
    f.delay_cs = 10;
    spec.frames.push_back(f);
  }
  return test::make_gif(spec);
}

struct Expected {
  std::string type, ext;
  int width, height;
};

// Loose images (sorted by name), then the album "trip" with two images; an empty sub-folder and a
// text file that are not served.
class GalleryServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    add("a.jpg", 64, 48, "image/jpeg", "jpg");
    add("b.png", 32, 40, "image/png", "png");
    add("c.webp", 50, 20, "image/webp", "webp");
    add("d.bmp", 17, 9, "image/bmp", "bmp");
    add("e.tiff", 30, 31, "image/tiff", "tiff");
    test::write_bytes(dir / "f.gif", animated_gif());
    expected["f.gif"] = {"image/gif", "gif", 3, 2};
    add("trip/x.jpg", 40, 30, "image/jpeg", "jpg");
    add("trip/y.png", 20, 10, "image/png", "png");
    fs::create_directories(dir / "empty");
    test::write_text(dir / "notes.txt", "not an image");
  }

  void add(const std::string& name, int w, int h, const std::string& type, const std::string& ext) {
    fs::create_directories((dir / name).parent_path());
    test::write_bytes(dir / name,
                      test::encode(test::make_picture(w, h, CV_8UC3), fs::path(name).extension()));
    expected[name] = {type, ext, w, h};
  }

  GalleryServerOptions options(int per_page = 4) const {
    GalleryServerOptions o;
    o.folder = dir.path().string();
    o.per_page = per_page;
    return o;
  }

  // Checks everything the server says about one image against the file it came from.
  void expect_image(const GalleryImage& img, const std::string& name, const std::string& url) const {
    const Expected& e = expected.at(name);
    EXPECT_EQ(img.id, image_id_for(name)) << name;
    EXPECT_EQ(img.title, fs::path(name).stem().string());
    EXPECT_EQ(img.type, e.type) << name;
    EXPECT_EQ(img.width, e.width) << name;
    EXPECT_EQ(img.height, e.height) << name;
    EXPECT_EQ(img.size, fs::file_size(dir / name)) << name;
    EXPECT_EQ(img.link, url + "/i/" + img.id + "." + e.ext);
    EXPECT_EQ(img.animated, e.type == "image/gif") << name;
    EXPECT_EQ(img.nsfw, false);
    ASSERT_TRUE(img.datetime.has_value());
    EXPECT_NEAR(static_cast<double>(*img.datetime), static_cast<double>(std::time(nullptr)), 600.0);
  }

  test::TempDir dir;
  std::map<std::string, Expected> expected;
};

httplib::Client client(const GalleryServer& server) {
  httplib::Client c(server.url());
  c.set_connection_timeout(5);
  c.set_read_timeout(30);
  return c;
}

detail::GalleryPage get_page(httplib::Client& c, const std::string& path) {
  const auto res = c.Get(path, kAuth);
  if (!res) throw std::runtime_error("no response for " + path);
  return detail::parse_gallery_page(res->body, res->status, res->get_header_value("Content-Type"));
}

int status_of(httplib::Client& c, const std::string& path, const httplib::Headers& headers = kAuth) {
  const auto res = c.Get(path, headers);
  return res ? res->status : -1;
}

TEST_F(GalleryServerTest, ListsImagesAndAlbumsOfTheFolder) {
  GalleryServer server(options());
  EXPECT_EQ(server.image_count(), 8u);
  EXPECT_EQ(server.album_count(), 1u);
  EXPECT_GT(server.port(), 0);
  EXPECT_EQ(server.url(), "http://127.0.0.1:" + std::to_string(server.port()));
}

TEST_F(GalleryServerTest, PagesListImagesByNameThenAlbumsThenAnEmptyPage) {
  GalleryServer server(options(4));
  auto c = client(server);
  const auto p0 = get_page(c, "/3/gallery/hot/viral/day/0");
  ASSERT_EQ(p0.images.size(), 4u);
  EXPECT_TRUE(p0.albums.empty());
  const char* names0[] = {"a.jpg", "b.png", "c.webp", "d.bmp"};
  for (std::size_t i = 0; i < 4; ++i) expect_image(p0.images[i], names0[i], server.url());

  const auto p1 = get_page(c, "/3/gallery/top/top/all/1");
  ASSERT_EQ(p1.images.size(), 2u);
  expect_image(p1.images[0], "e.tiff", server.url());
  expect_image(p1.images[1], "f.gif", server.url());
  ASSERT_EQ(p1.albums.size(), 1u);  // not inline: the client must fetch it
  EXPECT_EQ(p1.albums[0].id, image_id_for("album:trip"));
  EXPECT_EQ(p1.albums[0].title, "trip");

  const auto past = c.Get("/3/gallery/hot/viral/day/2", kAuth);
  ASSERT_TRUE(past);
  EXPECT_EQ(past->status, 200);
  EXPECT_EQ(nlohmann::json::parse(past->body),
            nlohmann::json::parse(R"({"data":[],"success":true,"status":200})"));
  EXPECT_TRUE(get_page(c, "/3/gallery/hot/viral/day/999999999999").empty);
}

TEST_F(GalleryServerTest, SortTimeListsNewestFirst) {
  const auto now = fs::file_time_type::clock::now();
  fs::last_write_time(dir / "c.webp", now + std::chrono::hours(2));
  fs::last_write_time(dir / "e.tiff", now + std::chrono::hours(1));
  GalleryServer server(options(2));
  auto c = client(server);
  const auto p0 = get_page(c, "/3/gallery/hot/time/week/0");
  ASSERT_EQ(p0.images.size(), 2u);
  EXPECT_EQ(p0.images[0].id, image_id_for("c.webp"));
  EXPECT_EQ(p0.images[1].id, image_id_for("e.tiff"));
  EXPECT_EQ(get_page(c, "/3/gallery/hot/viral/week/0").images[0].id, image_id_for("a.jpg"));
}

TEST_F(GalleryServerTest, AlbumImagesAreListedByName) {
  GalleryServer server(options());
  auto c = client(server);
  const auto res = c.Get("/3/album/" + image_id_for("album:trip") + "/images", kAuth);
  ASSERT_TRUE(res);
  const auto images =
      detail::parse_album_images(res->body, res->status, res->get_header_value("Content-Type"));
  ASSERT_EQ(images.size(), 2u);
  expect_image(images[0], "trip/x.jpg", server.url());
  expect_image(images[1], "trip/y.png", server.url());
  EXPECT_EQ(status_of(c, "/3/album/nosuch1/images"), 404);
}

TEST_F(GalleryServerTest, AlbumLinksAreWebPagesNotFiles) {
  GalleryServer server(options(1000));
  auto c = client(server);
  const auto listing = c.Get("/3/gallery/hot/viral/day/0", kAuth);
  ASSERT_TRUE(listing);
  const auto album = nlohmann::json::parse(listing->body)["data"].back();
  EXPECT_EQ(album["is_album"], true);
  const std::string album_link = album["link"];
  EXPECT_EQ(album_link, server.url() + "/a/" + image_id_for("album:trip"));
  const auto html = c.Get(album_link.substr(server.url().size()));
  ASSERT_TRUE(html);
  EXPECT_EQ(html->status, 200);
  EXPECT_TRUE(html->get_header_value("Content-Type").starts_with("text/html"));
  EXPECT_NE(html->body.find(server.url() + "/i/" + image_id_for("trip/x.jpg") + ".jpg"), std::string::npos);
  EXPECT_EQ(status_of(c, "/a/nosuch1", {}), 404);
}

TEST_F(GalleryServerTest, FilesAreTheSourceBytesWithTheirTypeAndNeedNoAuth) {
  GalleryServer server(options(1000));
  auto c = client(server);
  auto listed = get_page(c, "/3/gallery/hot/viral/day/0").images;
  const auto res = c.Get("/3/album/" + image_id_for("album:trip") + "/images", kAuth);
  ASSERT_TRUE(res);
  for (auto& img : detail::parse_album_images(res->body, res->status, "application/json"))
    listed.push_back(img);
  ASSERT_EQ(listed.size(), 8u);
  for (const auto& [name, e] : expected) {
    const std::string link = server.url() + "/i/" + image_id_for(name) + "." + e.ext;
    const auto file = c.Get(link.substr(server.url().size()));  // no Authorization header
    ASSERT_TRUE(file) << name;
    EXPECT_EQ(file->status, 200) << name;
    EXPECT_EQ(file->get_header_value("Content-Type"), e.type) << name;
    EXPECT_EQ(file->get_header_value("Content-Length"), std::to_string(fs::file_size(dir / name))) << name;
    const auto bytes = test::read_bytes(dir / name);
    EXPECT_TRUE(file->body == std::string(bytes.begin(), bytes.end())) << name;
  }
  EXPECT_EQ(status_of(c, "/i/" + image_id_for("a.jpg") + ".png", {}), 404);  // wrong extension
  EXPECT_EQ(status_of(c, "/i/nosuch1.jpg", {}), 404);
}

TEST_F(GalleryServerTest, ApiNeedsAClientIdLikeImgur) {
  auto o = options();
  o.client_id = "secret";
  GalleryServer server(o);
  auto c = client(server);
  const std::string page = "/3/gallery/hot/viral/day/0";
  const auto res = c.Get(page);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->body, detail::render_error(403, "Authentication required"));
  EXPECT_EQ(status_of(c, page, {{"Authorization", "Client-ID "}}), 403);
  EXPECT_EQ(status_of(c, page, {{"Authorization", "Client-ID other"}}), 403);
  EXPECT_EQ(status_of(c, page, {{"Authorization", "Bearer secret"}}), 403);
  EXPECT_EQ(status_of(c, page, {{"Authorization", "Client-ID secret"}}), 200);

  GalleryServer any(options());  // no id configured: any non-empty one will do
  auto c2 = client(any);
  EXPECT_EQ(status_of(c2, page, {{"Authorization", "Client-ID whatever"}}), 200);
  EXPECT_EQ(status_of(c2, page, {}), 403);
}

TEST_F(GalleryServerTest, BadParametersGet400AndUnknownPaths404) {
  GalleryServer server(options());
  auto c = client(server);
  for (const std::string path :
       {"/3/gallery/new/viral/day/0", "/3/gallery/hot/best/day/0", "/3/gallery/hot/viral/decade/0",
        "/3/gallery/hot/viral/day/-1", "/3/gallery/hot/viral/day/x", "/3/gallery/hot/viral/day/1.5"}) {
    const auto res = c.Get(path, kAuth);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 400) << path;
    try {
      detail::parse_gallery_page(res->body, res->status, "application/json");
      ADD_FAILURE() << path << " parsed";
    } catch (const detail::GalleryError& e) {
      EXPECT_EQ(e.status(), 400) << path;
    }
  }
  EXPECT_NE(c.Get("/3/gallery/bad/viral/day/0", kAuth)->body.find("section"), std::string::npos);
  for (const std::string path : {"/3/gallery/hot", "/3/image/abc", "/nothing", "/"})
    EXPECT_EQ(status_of(c, path), 404) << path;
  const auto post = c.Post("/3/gallery/hot/viral/day/0", kAuth, "", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_GE(post->status, 400);
  EXPECT_NE(post->body.find("\"success\":false"), std::string::npos) << post->body;
}

TEST_F(GalleryServerTest, RateLimitCountsDownThen429AndFilesDoNotCount) {
  auto o = options();
  o.rate_limit = 3;
  GalleryServer server(o);
  auto c = client(server);
  const std::string file = "/i/" + image_id_for("a.jpg") + ".jpg";
  for (int i = 1; i <= 3; ++i) {
    const auto res = c.Get("/3/gallery/hot/viral/day/0", kAuth);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("X-RateLimit-ClientLimit"), "3");
    EXPECT_EQ(res->get_header_value("X-RateLimit-ClientRemaining"), std::to_string(3 - i));
    EXPECT_EQ(res->get_header_value("X-RateLimit-UserLimit"), "3");
    EXPECT_EQ(res->get_header_value("X-RateLimit-UserRemaining"), std::to_string(3 - i));
    const long reset = std::stol(res->get_header_value("X-RateLimit-UserReset"));
    EXPECT_GE(reset, std::time(nullptr) + 3000);
    EXPECT_EQ(status_of(c, file, {}), 200);
  }
  const auto over = c.Get("/3/gallery/hot/viral/day/1", kAuth);
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 429);
  EXPECT_EQ(over->get_header_value("X-RateLimit-ClientRemaining"), "0");
  EXPECT_EQ(nlohmann::json::parse(over->body)["errors"][0]["status"], "429");
  EXPECT_EQ(status_of(c, file, {}), 200);
  // Another client id has its own budget.
  EXPECT_EQ(status_of(c, "/3/gallery/hot/viral/day/0", {{"Authorization", "Client-ID other"}}), 200);
}

TEST_F(GalleryServerTest, RateLimitIsWholeAgainInTheNextWindow) {
  auto o = options();
  o.rate_limit = 1;
  o.rate_window_s = 1;
  GalleryServer server(o);
  auto c = client(server);
  const auto first = c.Get("/3/gallery/hot/viral/day/0", kAuth);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  const long reset = std::stol(first->get_header_value("X-RateLimit-UserReset"));
  EXPECT_LE(reset, std::time(nullptr) + 2);
  const auto over = c.Get("/3/gallery/hot/viral/day/0", kAuth);
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 429);
  EXPECT_EQ(over->get_header_value("X-RateLimit-UserReset"), std::to_string(reset));
  // Wait (bounded: at most ~2 s) until the announced reset, then the budget is whole again.
  while (std::time(nullptr) < reset) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto again = c.Get("/3/gallery/hot/viral/day/0", kAuth);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->get_header_value("X-RateLimit-UserRemaining"), "0");
  EXPECT_GT(std::stol(again->get_header_value("X-RateLimit-UserReset")), reset - 1);
}

TEST_F(GalleryServerTest, LatencyDelaysEveryResponse) {
  auto o = options();
  o.latency_ms = 150;
  GalleryServer server(o);
  auto c = client(server);
  for (const std::string& path :
       std::vector<std::string>{"/3/gallery/hot/viral/day/0", "/i/" + image_id_for("a.jpg") + ".jpg"}) {
    const auto start = Clock::now();
    EXPECT_EQ(status_of(c, path), 200);
    EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(150)) << path;
  }
}

// A capability check with a wide margin: 8 requests of 200 ms each, one per connection, must
// overlap (serialised they take 1.6 s).
TEST_F(GalleryServerTest, ConcurrentRequestsAreNotSerialised) {
  auto o = options();
  o.latency_ms = 200;
  GalleryServer server(o);
  const auto start = Clock::now();
  std::vector<std::future<int>> done;
  for (int i = 0; i < 8; ++i)
    done.push_back(std::async(std::launch::async, [&server, i] {
      auto c = client(server);
      return status_of(c, i % 2 ? "/3/gallery/hot/viral/day/0" : "/i/" + image_id_for("b.png") + ".png");
    }));
  for (auto& d : done) EXPECT_EQ(d.get(), 200);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1200));
}

TEST_F(GalleryServerTest, StopEndsWaitAndCutsLatencyShort) {
  auto o = options();
  o.latency_ms = 60000;
  auto server = std::make_unique<GalleryServer>(o);
  auto waiting = std::async(std::launch::async, [&] { server->wait(); });
  auto slow = std::async(std::launch::async, [&] {
    auto c = client(*server);
    return status_of(c, "/3/gallery/hot/viral/day/0");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  server->stop();
  ASSERT_EQ(waiting.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  ASSERT_EQ(slow.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_NE(slow.get(), 200);
  server.reset();  // joins
}

TEST_F(GalleryServerTest, StartupErrorsNameTheFolderOrPort) {
  const auto message = [](const GalleryServerOptions& o) -> std::string {
    try {
      GalleryServer server(o);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  };
  auto missing = options();
  missing.folder = (dir / "nope").string();
  EXPECT_NE(message(missing).find(missing.folder), std::string::npos) << message(missing);
  EXPECT_NE(message(missing).find("does not exist"), std::string::npos);

  auto empty = options();
  empty.folder = (dir / "empty").string();
  EXPECT_NE(message(empty).find("no images"), std::string::npos) << message(empty);

  auto file = options();
  file.folder = (dir / "notes.txt").string();
  EXPECT_NE(message(file).find("not a folder"), std::string::npos) << message(file);

  GalleryServer first(options());
  auto taken = options();
  taken.port = first.port();
  EXPECT_NE(message(taken).find(std::to_string(first.port())), std::string::npos) << message(taken);
}

}  // namespace
}  // namespace thumbflow
