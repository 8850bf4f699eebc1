// The HTML contact sheet (lib/src/report): escaping, links, totals, failures, self-containment,
// and the file it is saved to.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "report/html_text.hpp"
#include "test_support.hpp"
#include "thumbflow/report.hpp"

namespace thumbflow {
namespace {
namespace fs = std::filesystem;

ItemResult done(std::string input, std::string output, Dimensions in = {640, 480},
                Dimensions out = {128, 96}) {
  ItemResult r;
  r.input = std::move(input);
  r.output = std::move(output);
  r.status = ItemStatus::Done;
  r.in_size = in;
  r.out_size = out;
  r.bytes_in = 123'456;
  return r;
}

ItemResult failed(std::string input, std::string error) {
  ItemResult r;
  r.input = std::move(input);
  r.status = ItemStatus::Failed;
  r.error = std::move(error);
  return r;
}

BatchReport report_of(std::vector<ItemResult> items) {
  BatchReport report;
  report.items = std::move(items);
  for (const auto& r : report.items) {
    ++report.summary.total;
    report.summary.done += r.status == ItemStatus::Done;
    report.summary.failed += r.status == ItemStatus::Failed;
    report.summary.cancelled += r.status == ItemStatus::Cancelled;
  }
  report.summary.seconds = 2;
  report.summary.threads = 2;
  report.summary.output_dir = "/data/out";
  return report;
}

std::vector<std::string> attribute_values(const std::string& html, const std::string& name) {
  std::vector<std::string> values;
  const std::regex re(" " + name + "=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator(); ++it)
    values.push_back((*it)[1]);
  return values;
}

TEST(HtmlText, EscapesMarkupAndQuotes) {
  EXPECT_EQ(detail::html_escape("<script>a\"b'c&d</script>"),
            "&lt;script&gt;a&quot;b&#39;c&amp;d&lt;/script&gt;");
}

TEST(HtmlText, LinksAreRelativeToThePageAndPercentEncoded) {
  EXPECT_EQ(detail::link_from("/data/out", "/data/out/trip/a_thumbnail.jpg"), "trip/a_thumbnail.jpg");
  EXPECT_EQ(detail::link_from("/data/out", "/data/in/a b#1?.jpg"), "../in/a%20b%231%3F.jpg");
  EXPECT_EQ(detail::link_from("/data/out/", "/data/out/x/../%.jpg"), "%25.jpg");
  EXPECT_EQ(detail::link_from("/data/out", "/data/out/\xc3\xa9t\xc3\xa9.jpg"), "%C3%A9t%C3%A9.jpg");
  EXPECT_EQ(detail::link_from("/data/out", "https://h.example/p/a.jpg?x=1&y=2"),
            "https://h.example/p/a.jpg?x=1&y=2");
}

TEST(HtmlText, SizesAndNames) {
  EXPECT_EQ(detail::human_bytes(999), "999 B");
  EXPECT_EQ(detail::human_bytes(12'345), "12 KB");
  EXPECT_EQ(detail::human_bytes(1234), "1.2 KB");
  EXPECT_EQ(detail::human_bytes(3'100'000), "3.1 MB");
  EXPECT_EQ(detail::human_bytes(250'000'000), "250 MB");
  EXPECT_EQ(detail::display_name("/a/b/c.jpg"), "c.jpg");
  EXPECT_EQ(detail::display_name("https://h/p/x.png?size=large#top"), "x.png");
}

TEST(ContactSheet, NamesCannotInjectMarkup) {
  const BatchReport report = report_of({
      done("/data/in/<script>alert(1).jpg", "/data/out/<script>alert(1)_thumbnail.jpg"),
      done("/data/in/a \"q\" & 'b'.jpg", "/data/out/a \"q\" & 'b'_thumbnail.jpg"),
      failed("/data/in/<img src=x onerror=alert(2)>.png", "not an image: <b>HTML</b> & co"),
  });
  const std::string html = contact_sheet_html(report, "/data/out");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img src=x"), std::string::npos);
  EXPECT_EQ(html.find("<b>HTML"), std::string::npos);
  EXPECT_NE(html.find(">&lt;script&gt;alert(1).jpg</span>"), std::string::npos);
  EXPECT_NE(html.find("a &quot;q&quot; &amp; &#39;b&#39;.jpg"), std::string::npos);
  EXPECT_NE(html.find("not an image: &lt;b&gt;HTML&lt;/b&gt; &amp; co"), std::string::npos);
  const auto srcs = attribute_values(html, "src");
  ASSERT_EQ(srcs.size(), 2u);
  EXPECT_EQ(srcs[0], "%3Cscript%3Ealert%281%29_thumbnail.jpg");
  EXPECT_EQ(srcs[1], "a%20%22q%22%20%26%20%27b%27_thumbnail.jpg");
}

TEST(ContactSheet, ALineOfAUrlListCannotBecomeAScriptLink) {
  const BatchReport report = report_of({failed("javascript:alert(1)", "not an http(s) URL"),
                                        failed("data:text/html,<b>x</b>", "not an http(s) URL")});
  const std::string html = contact_sheet_html(report, "/data/out");
  for (const auto& href : attribute_values(html, "href")) {
    EXPECT_EQ(href.find(':'), std::string::npos) << "no scheme at all: " << href;
    EXPECT_EQ(href.rfind("javascript", 0), std::string::npos) << href;
  }
}

TEST(ContactSheet, GridTotalsFailuresAndNothingExternal) {
  ItemResult skipped = done("/data/in/old.jpg", "/data/out/old_thumbnail.jpg");
  skipped.status = ItemStatus::Skipped;
  ItemResult cancelled;
  cancelled.input = "/data/in/late.jpg";
  cancelled.output = "/data/out/late_thumbnail.jpg";
  cancelled.status = ItemStatus::Cancelled;
  BatchReport report = report_of({
      done("/data/in/a.jpg", "/data/out/a_thumbnail.jpg", {4000, 3000}),
      done("https://img.example/p/b.png?v=1&w=2", "/data/out/b_thumbnail.png", {800, 600}, {128, 96}),
      skipped,
      failed("/data/in/broken.jpg", "truncated JPEG"),
      cancelled,
  });
  report.summary.skipped = 1;
  const std::string html = contact_sheet_html(report, "/data/out");

  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<meta name=\"viewport\""), std::string::npos);
  EXPECT_NE(html.find("5 images: <b>2</b> new, 1 up to date, <b class=\"bad\">1 failed</b>, 1 not done"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("1.0 images/s"), std::string::npos);
  EXPECT_NE(html.find("grid-template-columns: repeat(auto-fill"), std::string::npos) << "responsive grid";
  EXPECT_NE(html.find("4000\u00d73000 &middot; 123 KB"), std::string::npos) << "original dimensions and size";

  // Thumbnails: one <img> per done or skipped item, linked to its original.
  EXPECT_EQ(attribute_values(html, "src"),
            (std::vector<std::string>{"a_thumbnail.jpg", "b_thumbnail.png", "old_thumbnail.jpg"}));
  const auto hrefs = attribute_values(html, "href");
  EXPECT_EQ(hrefs, (std::vector<std::string>{"../in/a.jpg", "https://img.example/p/b.png?v=1&amp;w=2",
                                             "../in/old.jpg", "../in/broken.jpg", "../in/late.jpg"}));
  EXPECT_NE(html.find("<h2>Failed (1)</h2>"), std::string::npos);
  EXPECT_NE(html.find("broken.jpg</a>: <span class=\"reason\">truncated JPEG</span>"), std::string::npos);
  EXPECT_NE(html.find("<h2>Not done (interrupted) (1)</h2>"), std::string::npos);

  // Self-contained: no script, no stylesheet or font from elsewhere; the only absolute URL is
  // the remote original.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  std::size_t absolute = 0;
  for (std::size_t at = html.find("://"); at != std::string::npos; at = html.find("://", at + 1)) ++absolute;
  EXPECT_EQ(absolute, 2u) << "the remote original's link and its title";
}

TEST(ContactSheetFile, WrittenAtomicallyRecognisedAndCompletedFromTheFiles) {
  test::TempDir tmp;
  fs::create_directories(tmp / "in");
  fs::create_directories(tmp / "out");
  const cv::Mat picture = test::make_picture(300, 200, CV_8UC3);
  test::write_bytes(tmp / "in" / "old.jpg", test::encode(picture, ".jpg"));
  test::write_bytes(tmp / "out" / "old_thumbnail.png",
                    test::encode(picture(cv::Rect(0, 0, 120, 80)), ".png"));
  ItemResult skipped;
  skipped.input = (tmp / "in" / "old.jpg").string();
  skipped.output = (tmp / "out" / "old_thumbnail.png").string();
  skipped.status = ItemStatus::Skipped;
  const BatchReport report = report_of({skipped});
  const std::string page = (tmp / "out" / "index.html").string();

  EXPECT_FALSE(is_contact_sheet(page)) << "missing file";
  write_contact_sheet(report, page);
  EXPECT_TRUE(is_contact_sheet(page));
  const auto bytes = test::read_bytes(page);
  const std::string html(bytes.begin(), bytes.end());
  EXPECT_NE(html.find("width=\"120\" height=\"80\""), std::string::npos) << "thumbnail size from its header";
  EXPECT_NE(html.find("300\u00d7200 &middot; "), std::string::npos) << "original size from its header";
  EXPECT_EQ(attribute_values(html, "src"), std::vector<std::string>{"old_thumbnail.png"});
  for (const auto& entry : fs::directory_iterator(tmp / "out"))
    EXPECT_EQ(entry.path().filename().string().find(".thumbflow-"), std::string::npos) << "temp file left";

  test::write_text(tmp / "out" / "mine.html", "<!DOCTYPE html><title>my page</title>");
  EXPECT_FALSE(is_contact_sheet((tmp / "out" / "mine.html").string()));
}

TEST(ContactSheetFile, SizeOfAJpegWhoseHeaderComesAfter128KBOfMetadata) {
  test::TempDir tmp;
  std::vector<std::uint8_t> jpeg = test::encode(test::make_picture(320, 200, CV_8UC3), ".jpg");
  std::vector<std::uint8_t> padding;
  for (int segment = 0; segment < 2; ++segment) {  // two APP2 segments of 65535 bytes, as an ICC profile
    padding.insert(padding.end(), {0xFF, 0xE2, 0xFF, 0xFF});
    padding.insert(padding.end(), 65533, 0);
  }
  jpeg.insert(jpeg.begin() + 2, padding.begin(), padding.end());
  test::write_bytes(tmp / "big.jpg", jpeg);
  test::write_bytes(tmp / "big_thumbnail.jpg", test::encode(test::make_picture(128, 80, CV_8UC3), ".jpg"));
  ItemResult skipped;
  skipped.input = (tmp / "big.jpg").string();
  skipped.output = (tmp / "big_thumbnail.jpg").string();
  skipped.status = ItemStatus::Skipped;
  write_contact_sheet(report_of({skipped}), (tmp / "index.html").string());
  const auto bytes = test::read_bytes(tmp / "index.html");
  const std::string html(bytes.begin(), bytes.end());
  EXPECT_NE(html.find("320\u00d7200 &middot; 1"), std::string::npos) << "read past the first 64 KB";
}

TEST(ContactSheetFile, NeverReplacesAnImage) {
  test::TempDir tmp;
  const std::string thumb = (tmp / "a_thumbnail.html").string();
  test::write_text(thumb, "thumbnail bytes");
  const BatchReport report = report_of({done((tmp / "a.jpg").string(), thumb)});
  EXPECT_THROW(write_contact_sheet(report, thumb), std::runtime_error);
  EXPECT_EQ(test::read_bytes(thumb).size(), std::string("thumbnail bytes").size());
  EXPECT_THROW(write_contact_sheet(report, (tmp / "a.jpg").string()), std::runtime_error);
  EXPECT_FALSE(fs::exists(tmp / "a.jpg"));
}

TEST(ContactSheet, CaptionGivesTheUprightSizeOfARotatedPhoto) {
  ItemResult portrait = done("/data/in/p.jpg", "/data/out/p_thumbnail.jpg", {205, 102}, {64, 128});
  portrait.orientation = 6;  // stored landscape, shown turned a quarter
  const std::string html = contact_sheet_html(report_of({portrait}), "/data/out");
  EXPECT_NE(html.find("102\u00d7205"), std::string::npos) << html;
  EXPECT_EQ(html.find("205\u00d7102"), std::string::npos) << html;
}

}  // namespace
}  // namespace thumbflow
