// `thumbflow serve-gallery` as a user runs it: the URL on stdout, a working API, Ctrl-C ends it.
#include <httplib.h>

#include <csignal>
#include <nlohmann/json.hpp>

#include "background_process.hpp"
#include "e2e_support.hpp"

namespace thumbflow::e2e {
namespace {

using namespace std::chrono_literals;

TEST(ServeGallery, ServesTheSamplesUntilSigint) {
  test::BackgroundProcess server({kCli, "serve-gallery", kDataDir.string(), "--per-page", "5"});
  const auto url = server.read_line(30s);
  ASSERT_TRUE(url) << "no URL on stdout; stderr: " << server.err();
  ASSERT_TRUE(url->starts_with("http://127.0.0.1:")) << *url;

  std::size_t samples = 0;
  for (const auto& entry : fs::directory_iterator(kDataDir)) samples += is_sample_image(entry.path());
  httplib::Client client(*url);
  client.set_read_timeout(30);
  const auto page = client.Get("/3/gallery/hot/viral/day/0", {{"Authorization", "Client-ID demo"}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  const auto json = nlohmann::json::parse(page->body);
  EXPECT_EQ(json["success"], true);
  ASSERT_EQ(json["data"].size(), 5u);
  const std::string link = json["data"][0]["link"];
  ASSERT_TRUE(link.starts_with(*url + "/i/")) << link;
  const auto file = client.Get(link.substr(url->size()));
  ASSERT_TRUE(file);
  EXPECT_EQ(file->status, 200);
  EXPECT_EQ(std::to_string(file->body.size()), file->get_header_value("Content-Length"));
  EXPECT_EQ(client.Get("/3/gallery/hot/viral/day/0")->status, 403);

  server.send_signal(SIGINT);
  const auto status = server.wait(20s);
  ASSERT_TRUE(status) << "still running 20 s after SIGINT";
  EXPECT_EQ(*status, 0) << server.err();
  EXPECT_NE(server.err().find("gallery of " + std::to_string(samples) + " images (0 albums) at " + *url),
            std::string::npos)
      << server.err();
}

TEST(ServeGallery, MissingFolderIsOneClearLineAndExit1) {
  const auto r = test::run_command({kCli, "serve-gallery", "/nonexistent/gallery"}, kRunTimeoutS);
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << describe(r);
  EXPECT_NE(r.err.find("/nonexistent/gallery"), std::string::npos) << describe(r);
  EXPECT_TRUE(r.out.empty()) << describe(r);
}

}  // namespace
}  // namespace thumbflow::e2e
