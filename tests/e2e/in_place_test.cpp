// Output folder == input folder: thumbnails land beside the inputs, inputs are never modified,
// and later runs do not thumbnail the thumbnails.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace thumbflow::e2e {
namespace {

void in_place_inputs(const fs::path& in) {
  copy_from_data(in, {"fruits.jpg", "rubberwhale1.png", "butterfly.bmp"});
  copy_from_data(in / "sub", {"fruits.webp"});
}

const std::vector<std::string> kInputs = {"butterfly.bmp", "fruits.jpg", "rubberwhale1.png",
                                          "sub/fruits.webp"};
const std::vector<std::string> kWithThumbnails = {
    "butterfly.bmp",    "butterfly_thumbnail.png",    "fruits.jpg",      "fruits_thumbnail.jpg",
    "rubberwhale1.png", "rubberwhale1_thumbnail.png", "sub/fruits.webp", "sub/fruits_thumbnail.webp"};

std::map<std::string, std::vector<std::uint8_t>> inputs_of(const fs::path& in) {
  std::map<std::string, std::vector<std::uint8_t>> out;
  for (const auto& rel : kInputs) out[rel] = test::read_bytes(in / rel);
  return out;
}

TEST(InPlace, ThumbnailsBesideInputsAndNoThumbnailsOfThumbnails) {
  TempDir tmp;
  const fs::path in = tmp / "photos";
  in_place_inputs(in);
  const auto before = inputs_of(in);

  const CommandResult first = run_cli({in.string(), "-o", in.string(), "--json", "-q"});
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  EXPECT_EQ(nlohmann::json::parse(first.out)["done"], kInputs.size());
  EXPECT_EQ(files_under(in), kWithThumbnails);
  EXPECT_EQ(inputs_of(in), before);

  // Neither a plain re-run nor a forced one picks up the thumbnails as inputs.
  for (const bool force : {false, true}) {
    SCOPED_TRACE(force ? "--force" : "plain re-run");
    std::vector<std::string> args = {in.string(), "-o", in.string(), "--json", "-q"};
    if (force) args.push_back("--force");
    const CommandResult again = run_cli(args);
    ASSERT_EQ(again.exit_code, 0) << describe(again);
    EXPECT_EQ(nlohmann::json::parse(again.out)["total"], kInputs.size()) << again.out;
    EXPECT_EQ(files_under(in), kWithThumbnails) << "no *_thumbnail_thumbnail files";
    EXPECT_EQ(inputs_of(in), before);
  }
  EXPECT_TRUE(temp_leftovers(tmp.path()).empty());
}

// A later run of the same folder into another output: the first run's thumbnails beside the
// inputs are not inputs (once, they became *_thumbnail_thumbnail.jpg).
TEST(InPlace, ThenIntoAnotherFolderSkipsTheFirstRunsThumbnails) {
  TempDir tmp;
  const fs::path in = tmp / "photos";
  in_place_inputs(in);
  const CommandResult first = run_cli({in.string(), "-o", in.string(), "-q"});
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  const CommandResult second = run_cli({in.string(), "-o", (in / "thumbs").string(), "--json", "-q"});
  ASSERT_EQ(second.exit_code, 0) << describe(second);
  EXPECT_EQ(nlohmann::json::parse(second.out)["total"], kInputs.size()) << second.out;
  EXPECT_EQ(files_under(in / "thumbs"),
            (std::vector<std::string>{"butterfly_thumbnail.png", "fruits_thumbnail.jpg",
                                      "rubberwhale1_thumbnail.png", "sub/fruits_thumbnail.webp"}));
}

TEST(InPlace, OutputInsideTheInputFolder) {
  TempDir tmp;
  const fs::path in = tmp / "photos", out = in / "thumbs";
  in_place_inputs(in);
  for (int run = 0; run < 2; ++run) {
    const CommandResult r = run_cli({in.string(), "-o", out.string(), "--json", "-q", "--force"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_EQ(nlohmann::json::parse(r.out)["total"], kInputs.size()) << "run " << run << ": " << r.out;
  }
  EXPECT_EQ(files_under(out),
            (std::vector<std::string>{"butterfly_thumbnail.png", "fruits_thumbnail.jpg",
                                      "rubberwhale1_thumbnail.png", "sub/fruits_thumbnail.webp"}));
}

// A template that maps an input onto itself must fail those items, not overwrite the inputs.
TEST(InPlace, TemplateThatWouldOverwriteInputsFailsThoseItems_Files) {
  TempDir tmp;
  const fs::path in = tmp / "photos";
  in_place_inputs(in);
  const auto before = inputs_of(in);
  const CommandResult r =
      run_cli({(in / "fruits.jpg").string(), (in / "rubberwhale1.png").string(),
               (in / "butterfly.bmp").string(), "-o", in.string(), "--name", "{stem}.{ext}", "--json"});
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(nlohmann::json::parse(r.out)["failed"], 2) << r.out;
  for (const char* name : {"fruits.jpg", "rubberwhale1.png"}) {
    const auto lines = lines_with(r.err, (in / name).string() + ": ");
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_TRUE(contains_ci(lines[0], "overwrite")) << lines[0];
  }
  EXPECT_EQ(inputs_of(in), before);
  EXPECT_FALSE(read_image(in / "butterfly.png").empty()) << "butterfly.bmp -> butterfly.png is no overwrite";
  EXPECT_TRUE(temp_leftovers(tmp.path()).empty());
}

TEST(InPlace, TemplateThatWouldOverwriteInputsFailsThoseItems_Folder) {
  TempDir tmp;
  const fs::path in = tmp / "photos";
  in_place_inputs(in);
  const auto before = inputs_of(in);
  const CommandResult r = run_cli({in.string(), "-o", in.string(), "--name", "{stem}.{ext}", "--json"});
  EXPECT_EQ(inputs_of(in), before) << "inputs are never modified";
  EXPECT_TRUE(temp_leftovers(tmp.path()).empty());
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(nlohmann::json::parse(r.out)["failed"], 3) << r.out;
  for (const char* name : {"fruits.jpg", "rubberwhale1.png", "sub/fruits.webp"}) {
    const auto lines = lines_with(r.err, (in / name).string() + ": ");
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_TRUE(contains_ci(lines[0], "overwrite")) << lines[0];
  }
}

}  // namespace
}  // namespace thumbflow::e2e
