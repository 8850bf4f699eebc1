#include "gallery/imgur_json.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <set>
#include <string>
#include <utility>

namespace thumbflow::detail {
namespace {

constexpr std::string_view kJson = "application/json";

GalleryImage image(const std::string& id, std::string type = "image/jpeg", std::uint64_t size = 1000) {
  GalleryImage img;
  img.id = id;
  img.title = "Title of " + id;
  img.type = std::move(type);
  img.size = size;
  img.width = 640;
  img.height = 480;
  img.link = "https://i.imgur.com/" + id + ".jpg";
  img.datetime = 1700000000;
  return img;
}

// What GalleryError says for a body, or "" if it parsed.
std::string json_error_of(std::string_view body, long status = 200, std::string_view type = kJson) {
  try {
    parse_gallery_page(body, status, type);
  } catch (const GalleryError& e) {
    return e.what();
  }
  return "";
}

// Shaped like a real /3/gallery/hot/viral/day/0 page: the image entry is abridged from Imgur's docs.
constexpr std::string_view kRealisticPage = R"json({"data":[
  {"id":"abc1234","title":"A cat","description":null,"datetime":1700000001,"type":"image/jpeg",
   "animated":false,"width":1200,"height":900,"size":234567,"views":10,"bandwidth":2345670,
   "vote":null,"favorite":false,"nsfw":false,"section":"","account_url":"someone","link":"https://i.imgur.com/abc1234.jpg",
   "tags":[],"is_album":false,"in_gallery":true},
  {"id":"gif0001","type":"image/gif","animated":true,"nsfw":false,"size":99,"link":"https://i.imgur.com/gif0001.gif","is_album":false},
  {"id":"alb0001","title":"Inline album","is_album":true,"images_count":2,"nsfw":false,
   "link":"https://imgur.com/a/alb0001","images":[
     {"id":"in00001","type":"image/png","animated":false,"nsfw":null,"size":10,"link":"https://i.imgur.com/in00001.png"},
     {"id":"in00002","type":null,"animated":false,"nsfw":null,"size":"12","width":"wide","link":"https://i.imgur.com/in00002.webp?x=1"}]},
  {"id":"alb0002","title":"Album without images","is_album":true,"images_count":5,"nsfw":true,"link":"https://imgur.com/a/alb0002"},
  {"id":"alb0003","title":"Truncated","is_album":true,"images_count":9,"link":"https://imgur.com/a/alb0003",
   "images":[{"id":"tr00001","link":"https://i.imgur.com/tr00001.jpg"}]},
  {"id":"nolink1","type":"image/jpeg","link":null},
  {"id":"badlnk1","link":"javascript:alert(1)"},
  {"id":"numlink","link":42},
  {"title":"no id at all","link":"https://i.imgur.com/deriv01.png"},
  {"id":"../../etc","link":"https://example.com/"},
  {"id":"ad00001","is_ad":true,"link":"https://i.imgur.com/ad00001.jpg"},
  null, 17, "string",
  {"id":"nulls01","title":null,"type":null,"animated":null,"nsfw":null,"size":null,"width":null,
   "height":null,"datetime":null,"is_album":null,"link":"https://i.imgur.com/nulls01.JPEG"}
],"success":true,"status":200})json";

TEST(ImgurJson, ParsesARealisticPageWithoutCrashing) {
  const GalleryPage page = parse_gallery_page(kRealisticPage, 200, kJson);
  EXPECT_FALSE(page.empty);
  std::vector<std::string> ids;
  for (const auto& img : page.images) ids.push_back(img.id);
  EXPECT_EQ(ids,
            (std::vector<std::string>{"abc1234", "gif0001", "in00001", "in00002", "deriv01", "nulls01"}));
  const GalleryImage& cat = page.images[0];
  EXPECT_EQ(cat.title, "A cat");
  EXPECT_EQ(cat.type, "image/jpeg");
  EXPECT_EQ(cat.size, 234567u);
  EXPECT_EQ(cat.width, 1200);
  EXPECT_EQ(cat.nsfw, false);
  EXPECT_EQ(cat.datetime, 1700000001);
  EXPECT_TRUE(page.images[1].animated);
  EXPECT_EQ(page.images[2].nsfw, false) << "null nsfw inherits the album's";
  EXPECT_EQ(page.images[3].type, "image/webp") << "guessed from the extension, query ignored";
  EXPECT_FALSE(page.images[3].size) << "a string size is unknown";
  EXPECT_EQ(page.images[3].width, 0);
  const GalleryImage& nulls = page.images[5];
  EXPECT_EQ(nulls.type, "image/jpeg");
  EXPECT_FALSE(nulls.nsfw);
  EXPECT_FALSE(nulls.size);
  EXPECT_FALSE(nulls.datetime);
  EXPECT_FALSE(nulls.animated);
  ASSERT_EQ(page.albums.size(), 2u);
  EXPECT_EQ(page.albums[0].id, "alb0002");
  EXPECT_EQ(page.albums[0].nsfw, true);
  EXPECT_EQ(page.albums[1].id, "alb0003") << "fewer inline images than images_count: fetch it";
  std::set<std::string> skipped;
  for (const auto& s : page.skipped) skipped.insert(s.id + ": " + s.reason);
  EXPECT_EQ(skipped,
            (std::set<std::string>{
                "nolink1: no link", "badlnk1: link is not http(s): 'javascript:alert(1)'",
                "numlink: link is a number, not a string",
                "../../etc: no usable id (1 to 64 of A-Z a-z 0-9 _ -), nor a link file name that is one",
                "ad00001: advertisement", "#11: not an object but null", "#12: not an object but number",
                "#13: not an object but string"}));
}

TEST(ImgurJson, RoundTripsRenderedPages) {
  std::vector<GalleryImage> images = {image("aaaaaaa"), image("bbbbbbb", "image/png", 5)};
  images[1].nsfw = std::nullopt;
  images[1].size = std::nullopt;
  images[1].datetime = std::nullopt;
  images[1].title = "Ünïcode \"quoted\"\n";
  GalleryAlbum inline_album{"ccccccc",          "Album", "http://127.0.0.1:8080/a/ccccccc",
                            {image("ddddddd")}, true,    1};
  GalleryAlbum fetched{"eeeeeee", "Other", "http://127.0.0.1:8080/a/eeeeeee", {image("fffffff")}, false, 2};

  const GalleryPage page =
      parse_gallery_page(render_gallery_page(images, {inline_album, fetched}), 200, kJson);
  ASSERT_EQ(page.images.size(), 3u);
  EXPECT_EQ(page.images[0], images[0]);
  EXPECT_EQ(page.images[1], images[1]);
  EXPECT_EQ(page.images[2], inline_album.images[0]);
  ASSERT_EQ(page.albums.size(), 1u);
  EXPECT_EQ(page.albums[0].id, "eeeeeee");
  EXPECT_EQ(page.albums[0].nsfw, false);
  EXPECT_TRUE(page.skipped.empty());

  std::vector<SkippedEntry> skipped;
  EXPECT_EQ(parse_album_images(render_album_images(fetched.images), 200, kJson, false, &skipped),
            fetched.images);
  EXPECT_TRUE(skipped.empty());
}

TEST(ImgurJson, RendersInvalidUtf8WithoutThrowing) {
  GalleryImage img = image("aaaaaaa");
  img.title = "bad \xff\xfe bytes";
  const GalleryPage page = parse_gallery_page(render_album_images({img}), 200, kJson);
  ASSERT_EQ(page.images.size(), 1u);
  EXPECT_NE(page.images[0].title.find("bad"), std::string::npos);
}

TEST(ImgurJson, AlbumImagesInheritNsfwAndReportSkips) {
  const std::string body = R"({"data":[{"id":"x000001","nsfw":null,"link":"https://i.imgur.com/x000001.png"},
      {"id":"x000002","link":""}, [1]],"success":true,"status":200})";
  std::vector<SkippedEntry> skipped;
  const auto images = parse_album_images(body, 200, kJson, true, &skipped);
  ASSERT_EQ(images.size(), 1u);
  EXPECT_EQ(images[0].nsfw, true);
  EXPECT_EQ(images[0].type, "image/png");
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_EQ(skipped[0].id, "x000002");
  EXPECT_EQ(skipped[1].id, "#2");
  EXPECT_NO_THROW(parse_album_images(body, 200, kJson));  // no album nsfw, no skip list
}

TEST(ImgurJson, EmptyPageEndsPagination) {
  const GalleryPage page = parse_gallery_page(R"({"data":[],"success":true,"status":200})", 200, kJson);
  EXPECT_TRUE(page.empty);
  EXPECT_TRUE(page.images.empty());
  EXPECT_FALSE(parse_gallery_page(render_gallery_page({image("aaaaaaa")}), 200, kJson).empty);
}

TEST(ImgurJson, ErrorEnvelopes) {
  EXPECT_EQ(json_error_of(render_error(403, "Permission denied"), 403),
            "HTTP 403: API error 403: Permission denied");
  EXPECT_EQ(
      json_error_of(
          R"({"data":{"error":"Imgur is over capacity!","request":"/3/gallery"},"success":false,"status":500})"),
      "API error 500: Imgur is over capacity!");
  EXPECT_EQ(
      json_error_of(
          R"({"data":{"error":{"code":1003,"message":"Bad\nthing","type":"ImgurException"}},"success":false,"status":400})",
          400),
      "HTTP 400: API error 400: Bad thing");
  EXPECT_EQ(json_error_of(R"({"data":[],"success":false,"status":200})"), "API error 200: success is false");
  EXPECT_EQ(json_error_of(render_errors(429, "429", "Too Many Requests"), 429),
            "HTTP 429: API error 429: Too Many Requests (code 429)");
  EXPECT_EQ(
      json_error_of(R"({"errors":[{"code":"429","status":"Too Many Requests","detail":"Slow down"}]})", 200),
      "API error 429: Slow down (code 429)");
  EXPECT_EQ(json_error_of(R"({"errors":["plain text"]})"), "API error 200: plain text");
  try {
    parse_gallery_page(render_errors(429, "429", "Too Many Requests"), 429, kJson);
    FAIL();
  } catch (const GalleryError& e) {
    EXPECT_EQ(e.status(), 429);
  }
}

TEST(ImgurJson, BadDataField) {
  EXPECT_EQ(json_error_of(R"({"success":true,"status":200})"), "no 'data' field");
  EXPECT_EQ(json_error_of(R"({"data":null,"success":true})"), "'data' is null, expected an array");
  EXPECT_EQ(json_error_of(R"({"data":{"id":"x"},"success":true})"), "'data' is object, expected an array");
  EXPECT_EQ(json_error_of(R"({"data":"text"})"), "'data' is string, expected an array");
  EXPECT_EQ(json_error_of(R"([1,2])"), "expected a JSON object, got array");
  EXPECT_EQ(json_error_of(R"({"data":[],"status":503})"), "envelope status 503");
  EXPECT_EQ(json_error_of(R"({"data":[]})", 502), "HTTP 502: no error message in the reply");
}

TEST(ImgurJson, NotJson) {
  EXPECT_EQ(json_error_of("<!DOCTYPE html><html><body>Over capacity</body></html>", 200, "text/html"),
            "not JSON (looks like HTML)");
  EXPECT_EQ(json_error_of("  \n<html>", 503, ""), "HTTP 503: not JSON (looks like HTML)");
  EXPECT_EQ(json_error_of("", 200), "empty body");
  EXPECT_EQ(json_error_of(" \r\n", 200), "empty body");
  EXPECT_EQ(json_error_of(R"({"data":[)", 200), "not JSON (application/json, syntax error at byte 10)");
  EXPECT_EQ(json_error_of(R"({"data":[]})", 200, "text/html"), "")
      << "a JSON body wins over its Content-Type";
  EXPECT_EQ(json_error_of(R"({"data":[{"size":1e400}]})", 200, ""), "not JSON (number out of range)")
      << "nlohmann reports a number overflow as out_of_range, not parse_error";
  EXPECT_EQ(json_error_of("{\"data\":[\"\xff\"]}", 200, ""), "not JSON (syntax error at byte 11)");
}

TEST(ImgurJson, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_EQ(json_error_of(deep), "JSON nested deeper than 64 levels");
  const std::string deep_data = R"({"data":)" + deep + "}";
  EXPECT_EQ(json_error_of(deep_data), "JSON nested deeper than 64 levels");
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += R"({"a":)";
  EXPECT_EQ(json_error_of(objects), "JSON nested deeper than 64 levels")
      << "unterminated, but too deep first";
  const std::string fine = R"({"data":[)" + std::string(20, '[') + std::string(20, ']') + "]}";
  EXPECT_EQ(json_error_of(fine), "");
}

TEST(ImgurJson, RandomBytesAreAnErrorNotACrash) {
  std::mt19937 rng(42);
  std::string noise(1 << 20, '\0');
  for (char& c : noise) c = static_cast<char>(rng() & 0xff);
  noise[0] = 'x';  // not whitespace, not '<'
  EXPECT_NE(json_error_of(noise).find("not JSON"), std::string::npos);
  noise[0] = '{';
  EXPECT_NE(json_error_of(noise).find("not JSON"), std::string::npos);
  EXPECT_NE(json_error_of(noise.substr(0, 100), 500, "text/plain"), "");
}

TEST(ImgurJson, LargeValidPage) {
  std::vector<GalleryImage> many;
  many.reserve(2000);
  for (int i = 0; i < 2000; ++i) many.push_back(image(image_id_for("file" + std::to_string(i) + ".jpg")));
  const GalleryPage page = parse_gallery_page(render_gallery_page(many), 200, kJson);
  EXPECT_EQ(page.images.size(), many.size());
}

// Memory is bounded by what is kept: at most 5000 entries (the rest named by one skipped entry),
// strings cut at 2 KiB (on a character boundary; a link too long stays too long), and fields the
// client does not read are not built at all.
TEST(ImgurJson, EntriesAndStringsAreCapped) {
  std::string body = R"({"data":[)";
  for (int i = 0; i < 5003; ++i)
    body += (i ? "," : "") + std::string(R"({"id":"e)") + std::to_string(i) +
            R"(","link":"https://i.imgur.com/e.jpg","junk":[1,2,3]})";
  body += R"(],"success":true,"status":200})";
  const GalleryPage page = parse_gallery_page(body, 200, kJson);
  EXPECT_EQ(page.images.size(), 5000u);
  ASSERT_EQ(page.skipped.size(), 1u);
  EXPECT_EQ(page.skipped[0].id, "#5000 on");
  EXPECT_EQ(page.skipped[0].reason, "more than 5000 entries in one response: 3 left out");

  const std::string long_title = std::string(2048, 'a') + "\u00e9" + std::string(1 << 20, 'b');
  const std::string long_link = "https://i.imgur.com/" + std::string(3000, 'x') + ".jpg";
  const GalleryPage cut = parse_gallery_page(R"({"data":[{"id":"t1","title":")" + long_title +
                                                 R"(","link":"https://i.imgur.com/t1.jpg"},
                  {"id":"t2","link":")" + long_link +
                                                 R"("}],"success":true,"status":200})",
                                             200, kJson);
  ASSERT_EQ(cut.images.size(), 1u);
  EXPECT_EQ(cut.images[0].title, std::string(2048, 'a')) << "cut before the 2-byte character";
  ASSERT_EQ(cut.skipped.size(), 1u);
  EXPECT_EQ(cut.skipped[0].id, "t2");
}

TEST(ImgurJson, ImageIdIsStableShortAndAlphanumeric) {
  EXPECT_EQ(image_id_for("cat.jpg"), image_id_for("cat.jpg"));
  EXPECT_NE(image_id_for("cat.jpg"), image_id_for("cat.png"));
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) {
    const std::string id = image_id_for("IMG_" + std::to_string(i) + ".jpg");
    ASSERT_EQ(id.size(), 7u);
    for (char c : id) ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 10000u);
  EXPECT_EQ(image_id_for("").size(), 7u);
}

TEST(GalleryFilter, Types) {
  GalleryFilter f;
  std::string why;
  EXPECT_TRUE(accept(image("a", "image/png"), f, &why));
  EXPECT_TRUE(accept(image("a", "image/gif"), f, &why));  // GIF is read (first frame)
  EXPECT_FALSE(accept(image("a", "video/mp4"), f, &why));
  EXPECT_EQ(why, "type video/mp4");
  EXPECT_FALSE(accept(image("a", ""), f, &why));
  EXPECT_EQ(why, "unknown type");
  f.types.clear();
  EXPECT_TRUE(accept(image("a", ""), f, nullptr));
  f.types = {"image/gif"};
  EXPECT_TRUE(accept(image("a", "image/gif"), f, nullptr));
}

TEST(GalleryFilter, Animated) {
  GalleryFilter f;
  GalleryImage img = image("a", "image/webp");
  img.animated = true;
  std::string why;
  EXPECT_TRUE(accept(img, f, &why));  // kept by default
  f.allow_animated = false;
  EXPECT_FALSE(accept(img, f, &why));
  EXPECT_EQ(why, "animated");
}

TEST(GalleryFilter, NsfwSkipDropsTrueAndUnknown) {
  GalleryFilter f;
  GalleryImage img = image("a");
  std::string why;
  EXPECT_TRUE(accept(img, f, &why));
  img.nsfw = true;
  EXPECT_FALSE(accept(img, f, &why));
  EXPECT_EQ(why, "nsfw");
  img.nsfw = std::nullopt;
  EXPECT_FALSE(accept(img, f, &why));
  EXPECT_EQ(why, "nsfw unknown");
  f.nsfw = GalleryFilter::Allow;
  EXPECT_TRUE(accept(img, f, nullptr));
  img.nsfw = true;
  EXPECT_TRUE(accept(img, f, nullptr));
}

TEST(GalleryFilter, ByteBoundsAreInclusiveAndUnknownSizePasses) {
  GalleryFilter f;
  f.min_bytes = 100;
  f.max_bytes = 200;
  std::string why;
  EXPECT_TRUE(accept(image("a", "image/jpeg", 100), f, &why));
  EXPECT_TRUE(accept(image("a", "image/jpeg", 200), f, &why));
  EXPECT_FALSE(accept(image("a", "image/jpeg", 99), f, &why));
  EXPECT_EQ(why, "smaller than 100 bytes");
  EXPECT_FALSE(accept(image("a", "image/jpeg", 201), f, &why));
  EXPECT_EQ(why, "larger than 200 bytes");
  GalleryImage unknown = image("a");
  unknown.size = std::nullopt;
  EXPECT_TRUE(accept(unknown, f, &why));
}

}  // namespace
}  // namespace thumbflow::detail
