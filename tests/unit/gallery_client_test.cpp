// The gallery source against a loopback server that plays an Imgur-compatible API, faults included.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include "gallery/imgur_json.hpp"
#include "gallery/rate_limit.hpp"
#include "http_server.hpp"
#include "test_support.hpp"
#include "thumbflow/gallery.hpp"

namespace thumbflow {
namespace {

using detail::GalleryAlbum;
using detail::GalleryImage;
using test::HttpServer;
using test::Response;

const char* kJson = "application/json";

class GalleryClient : public ::testing::Test {
 protected:
  HttpServer server;
  std::vector<std::string> log;

  GalleryImage image(const std::string& id, const std::string& type = "image/jpeg") const {
    GalleryImage i;
    i.id = id;
    i.title = "title " + id;
    i.type = type;
    i.size = 1000;
    i.width = 640;
    i.height = 480;
    i.link = server.url("/i/" + id + (type == "image/png" ? ".png" : ".jpg"));
    return i;
  }
  void page(int n, const std::vector<GalleryImage>& images, const std::vector<GalleryAlbum>& albums = {}) {
    server.set("/3/gallery/hot/viral/day/" + std::to_string(n),
               Response::ok(detail::render_gallery_page(images, albums), kJson));
  }
  GalleryOptions options(int pages = 10) const {
    GalleryOptions o;
    o.api = server.url("");
    o.client_id = "abc";
    o.pages = pages;
    o.backoff_ms = 1;
    o.retries = 2;
    return o;
  }
  std::vector<Item> list(const GalleryOptions& o, const std::atomic<bool>* cancel = nullptr) {
    const NextItem next = gallery_source(o, cancel, [this](const std::string& line) { log.push_back(line); });
    std::vector<Item> items;
    for (int i = 0; i < 10000; ++i) {
      std::optional<Item> item = next();
      if (!item) break;
      items.push_back(std::move(*item));
    }
    return items;
  }
  // Page 0 (x1) moved by the API to `internal`, another loopback port; page 1 holds b1.
  void redirect_page_0_to(HttpServer& internal) {
    internal.set("/3/gallery/hot/viral/day/0",
                 Response::ok(detail::render_gallery_page({image("x1")}), kJson));
    server.set("/3/gallery/hot/viral/day/0",
               Response::redirect(302, internal.url("/3/gallery/hot/viral/day/0")));
    page(1, {image("b1")});
    page(2, {});
  }
  static std::vector<std::string> ids(const std::vector<Item>& items) {
    std::vector<std::string> out;
    for (const Item& i : items) out.push_back(i.error.empty() ? i.tag : "error");
    return out;
  }
};

TEST_F(GalleryClient, ReadsPagesUntilTheFirstEmptyOneWithTheAuthHeader) {
  page(0, {image("a1"), image("a2", "image/png")});
  page(1, {image("b1")});
  page(2, {});
  const std::vector<Item> items = list(options());
  EXPECT_EQ(ids(items), (std::vector<std::string>{"a1", "a2", "b1"}));
  EXPECT_EQ(items[0].input, server.url("/i/a1.jpg"));
  EXPECT_EQ(items[0].relative_path, "a1.jpg");
  EXPECT_EQ(items[1].relative_path, "a2.png");
  EXPECT_EQ(server.request_count("/3/gallery/hot/viral/day/3"), 0) << "stops at the empty page";
  EXPECT_EQ(server.last_request("/3/gallery/hot/viral/day/0").header("authorization"), "Client-ID abc");
}

TEST_F(GalleryClient, StopsAfterPagesAndAfterLimit) {
  page(0, {image("a1"), image("a2")});
  page(1, {image("b1"), image("b2")});
  EXPECT_EQ(ids(list(options(1))), (std::vector<std::string>{"a1", "a2"}));
  GalleryOptions o = options();
  o.limit = 3;
  EXPECT_EQ(ids(list(o)), (std::vector<std::string>{"a1", "a2", "b1"}));
  EXPECT_EQ(server.request_count("/3/gallery/hot/viral/day/2"), 0);
}

TEST_F(GalleryClient, ExpandsAlbumsAndSkipsRepeatedIds) {
  GalleryAlbum album;
  album.id = "alb1";
  album.title = "trip";
  album.link = server.url("/a/alb1");
  album.inline_images = false;
  album.images = {image("c1"), image("c2")};
  page(0, {image("a1")}, {album});
  page(1, {image("a1"), image("c2"), image("b1")});
  page(2, {});
  server.set("/3/album/alb1/images", Response::ok(detail::render_album_images(album.images), kJson));
  EXPECT_EQ(ids(list(options())), (std::vector<std::string>{"a1", "c1", "c2", "b1"}));
  EXPECT_EQ(server.request_count("/3/album/alb1/images"), 1);
}

TEST_F(GalleryClient, FiltersTypesAnimatedNsfwAndSizes) {
  GalleryImage gif = image("g1", "image/gif");
  gif.animated = true;
  GalleryImage nsfw = image("n1");
  nsfw.nsfw = true;
  GalleryImage unknown = image("u1");
  unknown.nsfw = std::nullopt;
  GalleryImage big = image("big");
  big.size = 5000;
  GalleryImage video = image("v1", "video/mp4");
  page(0, {image("ok1"), gif, nsfw, unknown, big, video});
  page(1, {});
  GalleryOptions o = options();
  o.max_bytes = 4000;
  EXPECT_EQ(ids(list(o)), (std::vector<std::string>{"ok1", "g1"}));  // animated GIFs are kept by default
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.back().find("4 left out by the filters"), std::string::npos) << log.back();
  o.allow_animated = false;
  EXPECT_EQ(ids(list(o)), (std::vector<std::string>{"ok1"}));
  o.allow_nsfw = true;
  o.allow_animated = true;
  o.max_bytes.reset();
  EXPECT_EQ(ids(list(o)), (std::vector<std::string>{"ok1", "g1", "n1", "u1", "big"}));
}

TEST_F(GalleryClient, RetriesA429AndSaysWhatItWaitsFor) {
  Response limited{429, {{"Retry-After", "0"}}, detail::render_errors(429, "429", "Too Many Requests")};
  server.set_sequence("/3/gallery/hot/viral/day/0",
                      {limited, Response::ok(detail::render_gallery_page({image("a1")}), kJson)});
  page(1, {});
  EXPECT_EQ(ids(list(options())), (std::vector<std::string>{"a1"}));
  EXPECT_EQ(server.request_count("/3/gallery/hot/viral/day/0"), 2);
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.front().find("page 0: HTTP 429, waiting"), std::string::npos) << log.front();
}

TEST_F(GalleryClient, OverCapacityIsRetriedToo) {
  Response busy{403, {}, detail::render_error(403, "Imgur is over capacity. Please try again.")};
  server.set_sequence("/3/gallery/hot/viral/day/0",
                      {busy, Response::ok(detail::render_gallery_page({image("a1")}), kJson)});
  page(1, {});
  EXPECT_EQ(ids(list(options())), (std::vector<std::string>{"a1"}));
}

TEST_F(GalleryClient, APageThatFailsForGoodIsReportedAndTheOthersAreListed) {
  page(0, {image("a1")});
  server.set("/3/gallery/hot/viral/day/1", Response{500, {}, "<html>oops</html>"});
  server.set("/3/gallery/hot/viral/day/2", Response::ok("<html>not json</html>", "text/html"));
  page(3, {image("d1")});
  page(4, {});
  const std::vector<Item> items = list(options());
  ASSERT_EQ(ids(items), (std::vector<std::string>{"a1", "error", "error", "d1"}));
  EXPECT_EQ(items[1].input, server.url("/3/gallery/hot/viral/day/1"));
  EXPECT_NE(items[1].error.find("page 1: HTTP 500"), std::string::npos) << items[1].error;
  EXPECT_EQ(server.request_count("/3/gallery/hot/viral/day/1"), 3) << "1 try + 2 retries";
  EXPECT_NE(items[2].error.find("page 2: "), std::string::npos) << items[2].error;
  EXPECT_EQ(server.request_count("/3/gallery/hot/viral/day/2"), 1) << "a malformed page is not retried";
}

// The API is trusted, not every address it redirects to: a page moved to another loopback port
// fails with the guard's reason, and the listing goes on.
TEST_F(GalleryClient, ARedirectOfTheApiToAnInternalAddressIsRefused) {
  HttpServer internal;
  redirect_page_0_to(internal);
  const std::vector<Item> items = list(options());
  ASSERT_EQ(ids(items), (std::vector<std::string>{"error", "b1"}));
  EXPECT_NE(items[0].error.find("page 0: refused: 127.0.0.1 is a loopback address"), std::string::npos)
      << items[0].error;
  EXPECT_EQ(server.request_count("/3/gallery/hot/viral/day/0"), 1) << "a refusal is not retried";
  EXPECT_EQ(internal.total_requests(), 0);
}

// allow_private_addresses (the CLI's --allow-private-urls) applies to the API's redirects too: a
// local gallery that moves a page to another loopback port is followed. Before, the flag reached
// the image downloads only, and the page was refused.
TEST_F(GalleryClient, ARedirectToAPrivateAddressIsFollowedWhenPrivateAddressesAreAllowed) {
  HttpServer internal;
  redirect_page_0_to(internal);
  GalleryOptions o = options();
  o.allow_private_addresses = true;
  const std::vector<Item> items = list(o);
  EXPECT_EQ(ids(items), (std::vector<std::string>{"x1", "b1"})) << (items.empty() ? "" : items[0].error);
  EXPECT_EQ(internal.request_count("/3/gallery/hot/viral/day/0"), 1);
}

// The response caps are options: a smaller page limit and entry limit apply as the defaults do.
TEST_F(GalleryClient, TheResponseCapsAreOptions) {
  std::vector<GalleryImage> many;
  for (int i = 0; i < 30; ++i) many.push_back(image("m" + std::to_string(i)));
  page(0, many);
  page(1, {});
  GalleryOptions o = options();
  o.max_entries = 10;
  std::vector<Item> items = list(o);
  ASSERT_EQ(items.size(), 10u);
  EXPECT_EQ(items.front().tag, "m0");
  EXPECT_EQ(std::count_if(log.begin(), log.end(),
                          [](const std::string& line) {
                            return line.find("more than 10 entries in one response: 20 left out") !=
                                   std::string::npos;
                          }),
            1)
      << ::testing::PrintToString(log);

  o = options();
  o.max_response_bytes = 4096;  // the 30 entries take more
  items = list(o);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].error, "page 0: gallery page is larger than 4096 bytes");

  for (const std::size_t bad : {std::size_t{0}, std::size_t{1000}, (std::size_t{1} << 30) + 1}) {
    o = options();
    o.max_response_bytes = bad;
    EXPECT_THROW(validate_gallery_options(o), std::invalid_argument) << bad;
  }
  o = options();
  o.max_entries = 0;
  EXPECT_THROW(validate_gallery_options(o), std::invalid_argument);
}

// A page over 8 MiB is not read to the end, let alone parsed; the listing goes on.
TEST_F(GalleryClient, APageLargerThanTheLimitFailsWithOneClearLine) {
  server.set("/3/gallery/hot/viral/day/0",
             Response::ok(R"({"data":[)" + std::string(9 << 20, ' ') + R"(],"success":true})", kJson));
  page(1, {image("b1")});
  page(2, {});
  const std::vector<Item> items = list(options());
  ASSERT_EQ(ids(items), (std::vector<std::string>{"error", "b1"}));
  EXPECT_EQ(items[0].error, "page 0: gallery page is larger than 8 MiB");
  EXPECT_EQ(server.request_count("/3/gallery/hot/viral/day/0"), 1);
}

// Each entry that cannot be used is named with its reason, one line each; the rest is listed.
TEST_F(GalleryClient, UnusableEntriesAreNamedWithTheirReason) {
  const std::string good =
      R"({"id":"good1","type":"image/jpeg","nsfw":false,"link":")" + server.url("/i/good1.jpg") + R"("})";
  server.set("/3/gallery/hot/viral/day/0",
             Response::ok(R"({"data":[)" + good + R"(,{"id":"nolink","type":"image/jpeg"},
                           {"id":"ftp1","link":"ftp://example.org/a.jpg"},{"id":"num1","link":7},42],
                          "success":true})",
                          kJson));
  page(1, {});
  const std::vector<Item> items = list(options());
  EXPECT_EQ(ids(items), (std::vector<std::string>{"good1"}));
  const auto said = [this](const std::string& line) { return std::count(log.begin(), log.end(), line) == 1; };
  EXPECT_TRUE(said("page 0: entry nolink left out: no link")) << testing::PrintToString(log);
  EXPECT_TRUE(said("page 0: entry ftp1 left out: link is not http(s): 'ftp://example.org/a.jpg'"));
  EXPECT_TRUE(said("page 0: entry num1 left out: link is a number, not a string"));
  EXPECT_TRUE(said("page 0: entry #4 left out: not an object but number"));
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.back().find("4 unusable entries left out (named above)"), std::string::npos) << log.back();
}

TEST_F(GalleryClient, AnAuthenticationErrorEndsTheListing) {
  server.set("/3/gallery/hot/viral/day/0",
             Response{403, {}, detail::render_error(403, "Authentication required")});
  page(1, {image("b1")});
  const std::vector<Item> items = list(options());
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NE(items[0].error.find("Authentication required"), std::string::npos) << items[0].error;
  EXPECT_NE(items[0].error.find("--client-id"), std::string::npos) << items[0].error;
  EXPECT_EQ(server.request_count("/3/gallery/hot/viral/day/1"), 0);
}

TEST_F(GalleryClient, ARemoteApiNeedsAClientIdAndBadValuesAreRefused) {
  GalleryOptions o;
  try {
    gallery_source(o, nullptr, {});
    FAIL() << "no client id for api.imgur.com was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("IMGUR_CLIENT_ID"), std::string::npos) << e.what();
  }
  o = options();
  o.client_id.clear();  // loopback: fine
  EXPECT_NO_THROW(gallery_source(o, nullptr, {}));
  o.section = "cold";
  EXPECT_THROW(gallery_source(o, nullptr, {}), std::invalid_argument);
  o = options();
  o.api = "ftp://127.0.0.1/";
  EXPECT_THROW(gallery_source(o, nullptr, {}), std::invalid_argument);
}

TEST_F(GalleryClient, CancelEndsTheListing) {
  page(0, {image("a1")});
  page(1, {image("b1")});
  std::atomic<bool> cancel{true};
  EXPECT_TRUE(list(options(), &cancel).empty());
  EXPECT_EQ(server.total_requests(), 0);
}

// The client against the embedded gallery: loose images over several pages, then an album that
// must be expanded, filters, and the Client-ID the server requires.
// Seven small images, two of them in the album "trip", for the embedded gallery.
void make_gallery_folder(const test::TempDir& dir) {
  for (const std::string name : {"a.jpg", "b.png", "c.jpg", "d.webp", "e.bmp", "trip/x.jpg", "trip/y.png"}) {
    std::filesystem::create_directories((dir / name).parent_path());
    test::write_bytes(dir / name, test::encode(test::make_picture(40, 30, CV_8UC3),
                                               std::filesystem::path(name).extension().string()));
  }
}

TEST(GalleryClientOnEmbeddedGallery, ListsEveryPageAndAlbumAndNeedsTheRightClientId) {
  test::TempDir dir;
  make_gallery_folder(dir);
  GalleryServerOptions s;
  s.folder = dir.path().string();
  s.per_page = 2;
  s.client_id = "secret";
  GalleryServer server(s);
  GalleryOptions o;
  o.api = server.url();
  o.client_id = "secret";
  o.pages = 100;
  std::vector<std::string> names, errors;
  std::vector<std::string> albums;
  const NextItem next = gallery_source(o, nullptr, {}, [&](const GalleryEntry& e) {
    if (!e.album.empty()) albums.push_back(e.title);
  });
  while (std::optional<Item> item = next()) {
    if (!item->error.empty()) errors.push_back(item->error);
    names.push_back(item->relative_path.substr(item->relative_path.rfind('.')));
  }
  EXPECT_TRUE(errors.empty()) << errors.front();
  // The BMP is left out by the default types; the album's two images come after the loose ones.
  EXPECT_EQ(names, (std::vector<std::string>{".jpg", ".png", ".jpg", ".webp", ".jpg", ".png"}));
  EXPECT_EQ(albums.size(), 2u);

  o.client_id = "wrong";
  const NextItem refused = gallery_source(o, nullptr, {});
  const std::optional<Item> first = refused();
  ASSERT_TRUE(first.has_value());
  EXPECT_NE(first->error.find("page 0: "), std::string::npos) << first->error;
  EXPECT_NE(first->error.find("403"), std::string::npos) << first->error;
  EXPECT_FALSE(refused().has_value()) << "an auth error ends the listing";
}

// Two API requests per 1-second window: the listing (4 pages, the empty 5th, 2 album requests)
// needs four windows; the client paces itself by the X-RateLimit headers and gets every image.
TEST(GalleryClientOnEmbeddedGallery, WaitsForTheRateLimitWindowToEnd) {
  test::TempDir dir;
  make_gallery_folder(dir);
  GalleryServerOptions s;
  s.folder = dir.path().string();
  s.per_page = 2;
  s.rate_limit = 2;
  s.rate_window_s = 1;
  GalleryServer server(s);
  GalleryOptions o;
  o.api = server.url();
  o.client_id = "me";
  o.pages = 100;
  o.max_wait_s = 5;
  std::vector<std::string> log;
  const NextItem next = gallery_source(o, nullptr, [&](const std::string& line) { log.push_back(line); });
  std::vector<std::string> errors;
  int images = 0;
  for (int i = 0; i < 100; ++i) {
    std::optional<Item> item = next();
    if (!item) break;
    if (!item->error.empty()) errors.push_back(item->error);
    ++images;
  }
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(images, 6);  // all but the BMP
  EXPECT_FALSE(log.empty()) << "the waits are logged";
}

TEST(RateLimit, SpreadsTheLastRequestsOverTheTimeToTheReset) {
  detail::RateLimit r;
  std::string why;
  EXPECT_EQ(r.wait_before_next(1000, &why), 0) << "nothing known yet";
  r.update({{"x-ratelimit-clientremaining", "500"},
            {"x-ratelimit-userremaining", "400"},
            {"x-ratelimit-userreset", "1100"}});
  EXPECT_EQ(r.remaining(), 400);
  EXPECT_EQ(r.wait_before_next(1000, &why), 0) << "plenty left";
  r.update({{"x-ratelimit-userremaining", "4"}});
  EXPECT_DOUBLE_EQ(r.wait_before_next(1000, &why), 20.0);  // 100 s over the 4 left (+1)
  EXPECT_NE(why.find("4 requests left"), std::string::npos) << why;
  r.update({{"x-ratelimit-userremaining", "0"}});
  EXPECT_DOUBLE_EQ(r.wait_before_next(1000, &why), 100.0);
  EXPECT_EQ(r.wait_before_next(1200, &why), 0) << "reset passed";
  r.update({{"x-ratelimit-userremaining", "junk"}});
  EXPECT_EQ(r.remaining(), 0) << "bad values are ignored";
}

}  // namespace
}  // namespace thumbflow
