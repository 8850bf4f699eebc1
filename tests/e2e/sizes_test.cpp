// Several sizes from one decode, as a user runs it: `run -s 64,128x96,200`, its files, report,
// contact sheet and re-runs, and a queue job carrying a size list to a worker.
#include <fstream>
#include <iterator>

#include "e2e_support.hpp"
#include "redis_server.hpp"

namespace thumbflow::e2e {
namespace {

// A 1600x1200 JPEG (shrinks on load by 1/2, 1/4, 1/8) and a 300x450 PNG with transparency.
void make_inputs(const fs::path& in) {
  fs::create_directories(in / "sub");
  test::write_bytes(in / "photo.jpg", test::encode(test::make_picture(1600, 1200, CV_8UC3, 5), ".jpg"));
  test::write_bytes(in / "sub" / "logo.png", test::encode(test::make_picture(300, 450, CV_8UC4, 6), ".png"));
}

const std::vector<std::string> kSizeNames = {"64", "128x96", "200"};
const std::vector<cv::Size> kBoxes = {{64, 64}, {128, 96}, {200, 200}};

std::vector<std::string> expected_files() {
  std::vector<std::string> files;
  for (const std::string& size : kSizeNames) {
    files.push_back("photo_" + size + ".jpg");
    files.push_back("sub/logo_" + size + ".png");
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(Sizes, OneRunMakesEverySizeFromOneDecodeAndAReRunDoesNothing) {
  TempDir tmp;
  make_inputs(tmp / "in");
  const fs::path out = tmp / "out", report = tmp / "report.json";
  const CommandResult r = run_cli({(tmp / "in").string(), "-o", out.string(), "-s", "64,128x96,200",
                                   "--report", report.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(files_under(out), expected_files());
  for (std::size_t i = 0; i < kBoxes.size(); ++i) {
    EXPECT_EQ(read_image(out / ("photo_" + kSizeNames[i] + ".jpg")).size(),
              expected_fit({1600, 1200}, kBoxes[i]));
    const cv::Mat logo = read_image(out / "sub" / ("logo_" + kSizeNames[i] + ".png"));
    EXPECT_EQ(logo.size(), expected_fit({300, 450}, kBoxes[i]));
    EXPECT_EQ(logo.channels(), 4);
  }
  EXPECT_TRUE(contains_ci(r.err, "6 thumbnails of 2 images written")) << r.err;
  const nlohmann::json summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["done"], 2);
  EXPECT_EQ(summary["thumbnails"], 6);

  const nlohmann::json items = read_json(report)["items"];
  ASSERT_EQ(items.size(), 2u);
  for (const nlohmann::json& item : items) {
    ASSERT_EQ(item["outputs"].size(), 3u) << item.dump();
    EXPECT_EQ(item["output"], item["outputs"][0]["output"]);
    for (std::size_t i = 0; i < 3; ++i) {
      const nlohmann::json& o = item["outputs"][i];
      EXPECT_EQ(o["status"], "done");
      EXPECT_EQ(o["box"]["width"], kBoxes[i].width);
      EXPECT_EQ(read_image(o["output"].get<std::string>()).cols, o["out"]["width"].get<int>());
    }
  }
  // One decode per item, at the scale the largest size needs: 200x150 wants 400x300 or more, which
  // the JPEG gives at 1/4 (the 64 px size alone would have decoded at 1/8).
  const auto photo = std::find_if(items.begin(), items.end(), [](const nlohmann::json& i) {
    return contains_ci(i["input"], "photo.jpg");
  });
  ASSERT_NE(photo, items.end());
  EXPECT_EQ((*photo)["decoded"]["width"], 400);
  EXPECT_EQ((*photo)["decoded"]["height"], 300);
  // The contact sheet shows the smallest size.
  std::ifstream page_file(out / "index.html");
  const std::string page((std::istreambuf_iterator<char>(page_file)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(contains_ci(page, "src=\"photo_64.jpg\"")) << page;
  EXPECT_TRUE(fs::exists(out / "index.html"));
  EXPECT_FALSE(contains_ci(page, "photo_200.jpg")) << page;

  const auto written = fs::last_write_time(out / "photo_200.jpg");
  const CommandResult again =
      run_cli({(tmp / "in").string(), "-o", out.string(), "-s", "64,128x96,200", "--json"});
  ASSERT_EQ(again.exit_code, 0) << describe(again);
  const nlohmann::json second = nlohmann::json::parse(again.out);
  EXPECT_EQ(second["skipped"], 2);
  EXPECT_EQ(second["thumbnails"], 0);
  EXPECT_EQ(fs::last_write_time(out / "photo_200.jpg"), written);
  EXPECT_EQ(files_under(out), expected_files());

  // A size more: only its files are made.
  const CommandResult more =
      run_cli({(tmp / "in").string(), "-o", out.string(), "-s", "64,128x96,200,32", "--json"});
  ASSERT_EQ(more.exit_code, 0) << describe(more);
  EXPECT_EQ(nlohmann::json::parse(more.out)["thumbnails"], 2);
  EXPECT_EQ(read_image(out / "photo_32.jpg").size(), cv::Size(32, 24));
  EXPECT_EQ(fs::last_write_time(out / "photo_200.jpg"), written);
}

TEST(Sizes, BadListsAndNamesStopBeforeAnythingIsWritten) {
  TempDir tmp;
  make_inputs(tmp / "in");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"-s", "64,,200"}, "invalid size list '64,,200': entry 2 is empty"},
      {{"-s", "64,2OO"}, "invalid size list '64,2OO': invalid size '2OO'"},
      {{"-s", "64,64x64"}, "64 is given twice"},
      {{"-s", "64,128", "--name", "{stem}_{w}.{ext}"}, "needs {size} (or {w} and {h})"}};
  for (const auto& [args, message] : cases) {
    std::vector<std::string> argv = {(tmp / "in").string(), "-o", (tmp / "out").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult r = run_cli(argv);
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_TRUE(contains_ci(r.err, message)) << r.err;
    EXPECT_FALSE(fs::exists(tmp / "out"));
  }
}

TEST(Sizes, AQueueJobWithASizeListEndsWithEverySize) {
  TempDir tmp;
  make_inputs(tmp / "in");
  test::RedisServer redis;
  const std::vector<std::string> queue = {"--redis", redis.url(), "--queue", "jobs"};
  std::vector<std::string> enqueue = {kCli, "enqueue", (tmp / "in").string(), "-s", "64,128x96,200"};
  enqueue.insert(enqueue.end(), queue.begin(), queue.end());
  const CommandResult added = test::run_command(enqueue, kRunTimeoutS);
  ASSERT_EQ(added.exit_code, 0) << describe(added);
  EXPECT_TRUE(contains_ci(added.err, "2 jobs added")) << added.err;
  std::vector<std::string> worker = {kCli, "worker", "-o",           (tmp / "out").string(), "--burst",
                                     "-j", "1",      "--input-root", (tmp / "in").string()};
  worker.insert(worker.end(), queue.begin(), queue.end());
  const CommandResult worked = test::run_command(worker, kRunTimeoutS);
  ASSERT_EQ(worked.exit_code, 0) << describe(worked);
  EXPECT_EQ(files_under(tmp / "out"), expected_files());
  for (std::size_t i = 0; i < kBoxes.size(); ++i)
    EXPECT_EQ(read_image(tmp / "out" / ("photo_" + kSizeNames[i] + ".jpg")).size(),
              expected_fit({1600, 1200}, kBoxes[i]));
}

}  // namespace
}  // namespace thumbflow::e2e
