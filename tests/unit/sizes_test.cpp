// Several sizes from one decode: the size list, its names, its settings record, its queue fields,
// and the pipeline making every size from one read and one decode.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>

#include "disk_backed_storage.hpp"
#include "io/storage.hpp"
#include "pipeline/run_batch.hpp"
#include "pipeline/settings_stamp.hpp"
#include "queue/job_fields.hpp"
#include "test_support.hpp"
#include "thumbflow/geometry.hpp"
#include "thumbflow/naming.hpp"

namespace thumbflow::detail {
namespace {
namespace fs = std::filesystem;

std::string error_of(const std::string& list) {
  try {
    parse_size_list(list);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(SizeList, ReadsEveryFormOfBoxInTheOrderGiven) {
  EXPECT_EQ(parse_size_list("128,512,1024"), (std::vector<Dimensions>{{128, 128}, {512, 512}, {1024, 1024}}));
  EXPECT_EQ(parse_size_list("64,128x96,200x,x50"),
            (std::vector<Dimensions>{{64, 64}, {128, 96}, {200, 0}, {0, 50}}));
  EXPECT_EQ(parse_size_list("300x200"), (std::vector<Dimensions>{{300, 200}}));
}

TEST(SizeList, BadEntriesGiveOneLineNamingTheListAndTheEntry) {
  const std::vector<std::pair<std::string, std::string>> cases = {{"64,,128", "entry 2 is empty"},
                                                                  {",64", "entry 1 is empty"},
                                                                  {"64,", "entry 2 is empty"},
                                                                  {"64,abc", "'abc'"},
                                                                  {"64,0x10", "'0x10'"},
                                                                  {"64,64x64", "64 is given twice"},
                                                                  {"64, 128", "' 128'"}};
  for (const auto& [list, reason] : cases) {
    const std::string error = error_of(list);
    EXPECT_NE(error.find("'" + list + "'"), std::string::npos) << error;
    EXPECT_NE(error.find(reason), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
  std::string many = "1";
  for (int i = 2; i <= int(kMaxSizes) + 1; ++i) many += "," + std::to_string(i);
  EXPECT_NE(error_of(many).find("more than 16 sizes"), std::string::npos);
  // One size says what it always said.
  EXPECT_EQ(error_of("12a"), "invalid size '12a': not a number (expected WxH, N, Wx or xH, e.g. 128x128)");
}

TEST(SizeList, SizeNamesReadBackAsTheSameBox) {
  EXPECT_EQ(size_name({128, 128}), "128");
  EXPECT_EQ(size_name({128, 96}), "128x96");
  EXPECT_EQ(size_name({200, 0}), "200x");
  EXPECT_EQ(size_name({0, 200}), "x200");
  for (const Dimensions box : std::vector<Dimensions>{{1, 1}, {128, 96}, {200, 0}, {0, 65535}})
    EXPECT_EQ(parse_box(size_name(box)), box);
}

TEST(SizeList, NamesTellTheSizesApart) {
  ThumbnailOptions o;
  o.sizes = {{64, 64}, {128, 96}};
  EXPECT_EQ(output_relative_path("d/a.jpg", "{stem}_{size}.{ext}", o), "d/a_64.jpg");  // the first size
  EXPECT_EQ(output_relative_path("d/a.jpg", "{stem}_{size}.{ext}", with_box(o, {128, 96})), "d/a_128x96.jpg");
  EXPECT_EQ(output_relative_path("a.png", "{stem}_{w}x{h}.{ext}", with_box(o, {200, 0})), "a_200x0.png");
  EXPECT_NO_THROW(validate_name_template("{stem}_{size}.{ext}", o));
  EXPECT_NO_THROW(validate_name_template("{stem}_{w}_{h}.{ext}", o));
  for (const char* same : {"{stem}_thumbnail.{ext}", "{stem}_{w}.{ext}", "{stem}_{h}.{ext}"})
    EXPECT_THROW(validate_name_template(same, o), std::invalid_argument) << same;
  EXPECT_NO_THROW(validate_name_template("{stem}_thumbnail.{ext}", with_box(o, {64, 64})));  // one size
}

TEST(SizeList, SettingsRecordLeavesTheBoxOutOnlyWhenNamesSayIt) {
  BatchOptions one;
  const std::string today = settings_stamp(one);
  EXPECT_NE(today.find("\"box\":[128,128]"), std::string::npos) << today;
  BatchOptions several = one;
  several.name_template = "{stem}_{size}.{ext}";
  several.thumbnail.sizes = {{128, 128}, {512, 512}};
  BatchOptions more = several;
  more.thumbnail.sizes.push_back({1024, 1024});
  EXPECT_EQ(settings_stamp(several).find("box"), std::string::npos);
  EXPECT_EQ(settings_stamp(several), settings_stamp(more));  // adding a size keeps what is there
  more.thumbnail.quality = 70;
  EXPECT_NE(settings_stamp(several), settings_stamp(more));
}

QueueJob job_of_sizes() {
  QueueJob job;
  job.item = {"/srv/photos/a.jpg", "a.jpg", {}, {}};
  job.thumbnail.sizes = {{64, 64}, {128, 96}, {200, 0}};
  job.name_template = "{stem}_{size}.{ext}";
  return job;
}

TEST(SizeList, QueueJobsCarryTheListAndRefuseBadOnes) {
  const QueueJob job = job_of_sizes();
  std::vector<std::string> fields = encode_job(job);
  const auto at = [&](const std::string& name) {
    return *(std::find(fields.begin(), fields.end(), name) + 1);
  };
  EXPECT_EQ(at("sizes"), "64,128x96,200x");
  EXPECT_EQ(at("output"), "a_64.jpg");
  const QueueJob back = decode_job(fields);
  EXPECT_EQ(back.thumbnail.sizes, job.thumbnail.sizes);
  EXPECT_EQ(job_settings_key(back), job_settings_key(job));
  QueueJob one = job;
  one.thumbnail.sizes.clear();
  EXPECT_NE(job_settings_key(one), job_settings_key(job));
  const std::vector<std::string> single = encode_job(one);
  EXPECT_EQ(std::find(single.begin(), single.end(), "sizes"), single.end());  // the layout of one size
  for (const char* bad : {"64,,128", "64", "64,64x64", "64,abc", "64,70000"}) {
    std::vector<std::string> f = fields;
    *(std::find(f.begin(), f.end(), "sizes") + 1) = bad;
    EXPECT_THROW(decode_job(f), std::invalid_argument) << bad;
  }
  std::vector<std::string> unnamed = fields;
  *(std::find(unnamed.begin(), unnamed.end(), "name") + 1) = "{stem}.{ext}";
  *(std::find(unnamed.begin(), unnamed.end(), "output") + 1) = "a.jpg";
  EXPECT_THROW(decode_job(unnamed), std::invalid_argument);
}

// Counts reads of images (not of the settings record), and fails the writes of names holding fail_substring.
class CountingStorage final : public DiskBackedStorage {
 public:
  std::vector<std::uint8_t> read(const std::string& path, std::uint64_t max_bytes) override {
    if (path.find(kSettingsRecordName) == std::string::npos) ++reads;
    return DiskBackedStorage::read(path, max_bytes);
  }

  std::atomic<int> reads{0};
};

std::vector<Item> photos(const test::TempDir& dir, int n) {
  std::vector<Item> items;
  for (int i = 0; i < n; ++i) {
    const std::string name = "p" + std::to_string(i) + ".png";
    test::write_bytes(dir / name, test::encode(test::make_picture(900, 600, CV_8UC3, i + 3), ".png"));
    items.push_back({(dir / name).string(), name, {}, {}});
  }
  return items;
}

BatchOptions several_sizes(const test::TempDir& dir, std::vector<Dimensions> sizes) {
  BatchOptions o;
  o.output_dir = (dir / "out").string();
  o.name_template = "{stem}_{size}.{ext}";
  o.thumbnail.sizes = std::move(sizes);
  o.threads = 2;
  return o;
}

TEST(SizeList, OneReadMakesEverySizeCloseToItsOwnRun) {
  test::TempDir dir;
  const std::vector<Item> items = photos(dir, 3);
  CountingStorage storage;
  const BatchOptions o = several_sizes(dir, {{64, 64}, {300, 300}, {128, 96}, {100, 0}});
  const BatchReport report = run_batch_with(items, o, storage, {});
  EXPECT_EQ(storage.reads.load(), 3);
  EXPECT_EQ(report.summary.done, 3u);
  EXPECT_EQ(report.summary.thumbnails, 12u);
  const std::vector<cv::Size> expected = {{64, 43}, {300, 200}, {128, 85}, {100, 67}};
  for (const ItemResult& r : report.items) {
    ASSERT_EQ(r.outputs.size(), 4u);
    EXPECT_EQ(r.output, r.outputs[0].output);
    EXPECT_EQ(r.decoded, (Dimensions{900, 600}));  // PNG decodes whole
    std::uint64_t bytes = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      const OutputResult& out = r.outputs[i];
      EXPECT_EQ(out.status, ItemStatus::Done);
      const cv::Mat made = cv::imread(out.output, cv::IMREAD_UNCHANGED);
      ASSERT_EQ(made.size(), expected[i]) << out.output;
      EXPECT_EQ(out.out_size, (Dimensions{made.cols, made.rows}));
      EXPECT_EQ(out.bytes_out, fs::file_size(out.output));
      bytes += out.bytes_out;
      // The same size made alone, from the decoded pixels: the cascade changes it but little.
      BatchOptions alone;
      alone.output_dir = (dir / ("alone" + std::to_string(i))).string();
      alone.thumbnail = with_box(o.thumbnail, out.box);
      const BatchReport single = run_batch({items[std::size_t(&r - report.items.data())]}, alone);
      ASSERT_EQ(single.items[0].status, ItemStatus::Done);
      EXPECT_TRUE(single.items[0].outputs.empty());
      EXPECT_GT(test::psnr_luma(made, cv::imread(single.items[0].output, cv::IMREAD_UNCHANGED)), 38.0)
          << out.output;
    }
    EXPECT_EQ(r.bytes_out, bytes);
  }
}

TEST(SizeList, ReRunDoesNothingAndAnAddedSizeIsMadeAlone) {
  test::TempDir dir;
  const std::vector<Item> items = photos(dir, 2);
  CountingStorage storage;
  const BatchReport first = run_batch_with(items, several_sizes(dir, {{64, 64}, {128, 128}}), storage, {});
  ASSERT_EQ(first.summary.thumbnails, 4u);
  const auto written = fs::last_write_time(first.items[0].outputs[1].output);
  const BatchReport again = run_batch_with(items, several_sizes(dir, {{64, 64}, {128, 128}}), storage, {});
  EXPECT_EQ(again.summary.skipped, 2u);
  EXPECT_EQ(again.summary.thumbnails, 0u);
  EXPECT_EQ(storage.reads.load(), 2);  // nothing read again
  const BatchReport more =
      run_batch_with(items, several_sizes(dir, {{64, 64}, {128, 128}, {32, 32}}), storage, {});
  EXPECT_EQ(more.summary.done, 2u);
  EXPECT_EQ(more.summary.thumbnails, 2u);
  for (const ItemResult& r : more.items) {
    EXPECT_EQ(r.outputs[0].status, ItemStatus::Skipped);
    EXPECT_EQ(r.outputs[1].status, ItemStatus::Skipped);
    EXPECT_EQ(r.outputs[2].status, ItemStatus::Done);
    EXPECT_EQ(cv::imread(r.outputs[2].output).size(), cv::Size(32, 21));
  }
  EXPECT_EQ(fs::last_write_time(first.items[0].outputs[1].output), written);
}

TEST(SizeList, EachBoxGetsItsOwnCropWindow) {
  test::TempDir dir;
  const std::vector<Item> items = photos(dir, 1);
  BatchOptions o = several_sizes(dir, {{200, 50}, {64, 64}, {32, 32}});
  o.thumbnail.crop = CropMode::Centre;
  const BatchReport report = run_batch(items, o);
  ASSERT_EQ(report.items[0].status, ItemStatus::Done) << report.items[0].error;
  const auto& out = report.items[0].outputs;
  EXPECT_EQ(cv::imread(out[0].output).size(), cv::Size(200, 50));
  EXPECT_EQ(cv::imread(out[1].output).size(), cv::Size(64, 64));
  EXPECT_EQ(cv::imread(out[2].output).size(), cv::Size(32, 32));
  EXPECT_EQ(out[0].crop.w, 900);  // 4:1 of a 3:2 picture: whole width, a band of it
  EXPECT_EQ(out[0].crop.h, 225);
  EXPECT_EQ(out[1].crop.w, 600);  // square: the middle
  EXPECT_EQ(out[1].crop.x, 150);
  EXPECT_EQ(out[2].crop.w, out[1].crop.w);
}

TEST(SizeList, AFailedWriteFailsTheItemAndSaysWhichSizesAreThere) {
  test::TempDir dir;
  const std::vector<Item> items = photos(dir, 2);
  CountingStorage storage;
  storage.fail_substring = "p1_64.";
  const BatchReport report = run_batch_with(items, several_sizes(dir, {{128, 128}, {64, 64}}), storage, {});
  EXPECT_EQ(report.items[0].status, ItemStatus::Done);
  const ItemResult& r = report.items[1];
  EXPECT_EQ(r.status, ItemStatus::Failed);
  EXPECT_EQ(r.outputs[0].status, ItemStatus::Done);
  EXPECT_EQ(r.outputs[1].status, ItemStatus::Failed);
  EXPECT_TRUE(fs::exists(r.outputs[0].output));
  EXPECT_FALSE(fs::exists(r.outputs[1].output));
}

}  // namespace
}  // namespace thumbflow::detail
