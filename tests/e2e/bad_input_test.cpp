// Broken, hostile and unsupported inputs, the pixel limit, usage errors and output collisions:
// a clear one-line error per item, the batch goes on, nothing partial is left behind.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "e2e_support.hpp"
#include "hostile_images.hpp"

namespace thumbflow::e2e {
namespace {

using Bytes = std::vector<std::uint8_t>;
using test::jpeg_declaring;
using test::png_declaring;

Bytes first_half(const fs::path& p) {
  Bytes b = test::read_bytes(p);
  b.resize(b.size() / 2);
  return b;
}

Bytes first_bytes(const fs::path& p, std::size_t n) {
  Bytes b = test::read_bytes(p);
  b.resize(std::min(n, b.size()));
  return b;
}

// A 1x1 GIF89a cut inside its image data (GIF is readable: only a broken one fails).
Bytes tiny_gif() {
  return {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00,
          0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00,
          0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02};
}

Bytes noise(std::size_t n) {
  Bytes b(n);
  std::uint32_t x = 12345;
  for (auto& v : b) {
    x = x * 1103515245u + 12345u;
    v = static_cast<std::uint8_t>(x >> 24);
  }
  b[0] = 0x00;  // no magic number of any format
  b[1] = 0x17;
  return b;
}

TEST(BadInput, EachBrokenFileFailsAloneAndCleanly) {
  TempDir tmp;
  const fs::path in = tmp / "in", out = tmp / "out", report = tmp / "report.json";
  copy_from_data(in, {"fruits.jpg", "rubberwhale1.png"});
  const std::map<std::string, Bytes> bad = {
      {"empty.jpg", {}},
      {"truncated.jpg", first_half(kDataDir / "butterfly.jpg")},
      {"truncated.png", first_half(kDataDir / "rubberwhale1.png")},
      {"text.jpg", {'h', 'e', 'l', 'l', 'o', ',', ' ', 'w', 'o', 'r', 'l', 'd', '\n'}},
      {"anim.gif", tiny_gif()},
      // Cut inside the first (DC) scan, 745..5978: a thumbnail reads only the scans its scale needs
      // (DC at 1/8, the first scans at 1/4 and 1/2), so a cut after those is not noticed (nor an error).
      {"truncated_progressive.jpg", first_bytes(kDataDir / "aloeL_progressive.jpg", 4000)},
      {"half.bmp", first_half(kDataDir / "butterfly.bmp")},
      {"mystery.bmp", noise(5000)},
      {"photo.heic", {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c',
                      0, 0, 0, 0,    'm', 'i', 'f', '1', 'h', 'e', 'i', 'c'}},
  };
  for (const auto& [name, bytes] : bad) test::write_bytes(in / name, bytes);
  const auto before = snapshot(in);

  // -v: every failure on its own line (without it, failures are summed up by reason).
  const CommandResult r = run_cli({in.string(), "-o", out.string(), "--report", report.string(), "-v"});
  ASSERT_EQ(r.exit_code, 2) << describe(r);

  for (const auto& [name, bytes] : bad) {
    SCOPED_TRACE(name);
    const std::string path = (in / name).string();
    const auto lines = lines_with(r.err, path);
    ASSERT_EQ(lines.size(), 1u) << "one stderr line naming the file:\n" << r.err;
    EXPECT_EQ(lines[0].rfind("thumbflow: " + path + ": ", 0), 0u) << lines[0];
    EXPECT_GT(lines[0].size(), ("thumbflow: " + path + ": ").size()) << "a reason follows the name";
    EXPECT_FALSE(fs::exists(out / default_thumbnail_name(name)));
  }
  // The good files are only logged as done (-v), never as failures.
  for (const char* good : {"fruits.jpg", "rubberwhale1.png"})
    for (const std::string& line : lines_with(r.err, good))
      EXPECT_NE(line.find(std::string(good) + ": done -> "), std::string::npos) << r.err;
  EXPECT_EQ(files_under(out),
            (std::vector<std::string>{"fruits_thumbnail.jpg", "rubberwhale1_thumbnail.png"}))
      << "good files still done, nothing for the bad ones";
  EXPECT_FALSE(read_image(out / "fruits_thumbnail.jpg").empty());
  EXPECT_TRUE(temp_leftovers(tmp.path()).empty());
  EXPECT_EQ(snapshot(in), before);

  // Reasons a user can act on.
  EXPECT_TRUE(contains_ci(lines_with(r.err, "empty.jpg").at(0), "empty"));
  EXPECT_TRUE(contains_ci(lines_with(r.err, "text.jpg").at(0), "not an image"));
  EXPECT_TRUE(contains_ci(lines_with(r.err, "anim.gif").at(0), "GIF"));
  EXPECT_TRUE(contains_ci(lines_with(r.err, "photo.heic").at(0), "HEIF") ||
              contains_ci(lines_with(r.err, "photo.heic").at(0), "HEIC"));

  const nlohmann::json rep = read_json(report);
  EXPECT_EQ(rep["summary"]["total"], bad.size() + 2);
  EXPECT_EQ(rep["summary"]["failed"], bad.size());
  EXPECT_EQ(rep["summary"]["done"], 2);
  ASSERT_EQ(rep["items"].size(), bad.size() + 2);
  for (const auto& item : rep["items"]) {
    const std::string name = fs::path(item["input"].get<std::string>()).filename().string();
    SCOPED_TRACE(item.dump());
    if (bad.count(name) != 0) {
      EXPECT_EQ(item["status"], "failed");
      ASSERT_TRUE(item.contains("error"));
      EXPECT_FALSE(item["error"].get<std::string>().empty());
      EXPECT_EQ(item["out"]["width"], 0);
    } else {
      EXPECT_EQ(item["status"], "done");
    }
  }
}

// Decoder libraries must not talk to the user directly: with -q, stderr holds exactly the
// "thumbflow: <path>: <reason>" lines, one per failed item (scripts count and parse them).
TEST(BadInput, StderrHoldsOnlyOneThumbflowLinePerFailure) {
  TempDir tmp;
  Bytes corrupt_png = test::read_bytes(kDataDir / "rubberwhale1.png");
  for (std::size_t i = 100000; i < 100400; ++i) corrupt_png[i] ^= 0x5A;
  test::write_bytes(tmp / "in" / "truncated.png", first_half(kDataDir / "rubberwhale1.png"));
  test::write_bytes(tmp / "in" / "corrupt.png", corrupt_png);
  test::write_bytes(tmp / "in" / "half.bmp", first_half(kDataDir / "butterfly.bmp"));
  const CommandResult r = run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "-q"});
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(files_under(tmp / "out").empty());
  const auto lines = lines_of(r.err);
  EXPECT_EQ(lines.size(), 3u) << r.err;
  for (const auto& line : lines)
    EXPECT_EQ(line.rfind("thumbflow: " + (tmp / "in").string() + "/", 0), 0u) << line;
}

TEST(BadInput, QuietStillPrintsErrors) {
  TempDir tmp;
  copy_from_data(tmp / "in", {"fruits.jpg"});
  test::write_bytes(tmp / "in" / "empty.png", {});
  const CommandResult r = run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "-q"});
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_EQ(lines_with(r.err, "empty.png").size(), 1u) << r.err;
}

TEST(BadInput, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  TempDir tmp;
  copy_from_data(tmp / "in", {"fruits.jpg", "butterfly.jpg"});
  fs::permissions(tmp / "in" / "butterfly.jpg", fs::perms::none);
  const CommandResult r = run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "-q"});
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(lines_with(r.err, (tmp / "in" / "butterfly.jpg").string()).size(), 1u) << r.err;
  EXPECT_TRUE(fs::exists(tmp / "out" / "fruits_thumbnail.jpg"));
  EXPECT_FALSE(fs::exists(tmp / "out" / "butterfly_thumbnail.jpg"));
}

// A named pipe given by name is not an image file: it must fail at once, not wait for a writer.
TEST(BadInput, NamedPipeIsRefusedNotWaitedOn) {
  TempDir tmp;
  copy_from_data(tmp / "in", {"fruits.jpg"});
  const fs::path pipe = tmp / "in" / "pipe.jpg";
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  const CommandResult r =
      run_cli({pipe.string(), (tmp / "in" / "fruits.jpg").string(), "-o", (tmp / "out").string(), "-q"}, 10);
  ASSERT_NE(r.exit_code, -1) << "still running after 10 s (blocked opening the pipe?)";
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(lines_with(r.err, pipe.string() + ": ").size(), 1u) << r.err;
  EXPECT_TRUE(fs::exists(tmp / "out" / "fruits_thumbnail.jpg"));
}

// In a folder, a picture's name that is no file to read is listed as failed with its reason, not
// left out without a word (before: skipped silently, exit 0); a pipe is not opened.
TEST(BadInput, PictureNamesInAFolderThatAreNoFileAreListed) {
  TempDir tmp;
  copy_from_data(tmp / "in", {"fruits.jpg"});
  ASSERT_EQ(::mkfifo((tmp / "in" / "pipe.jpg").c_str(), 0600), 0);
  fs::create_symlink(tmp / "gone" / "photo.jpg", tmp / "in" / "broken.jpg");
  fs::create_directories(tmp / "in" / "folder.jpg");
  const CommandResult r = run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "-q"}, 10);
  ASSERT_NE(r.exit_code, -1) << "still running after 10 s (blocked opening the pipe?)";
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(lines_with(r.err, (tmp / "in" / "pipe.jpg").string() + ": not a regular file").size(), 1u)
      << r.err;
  EXPECT_EQ(lines_with(r.err, (tmp / "in" / "broken.jpg").string() + ": broken symbolic link").size(), 1u)
      << r.err;
  EXPECT_TRUE(lines_with(r.err, "folder.jpg").empty()) << "a folder is entered, not an item: " << r.err;
  EXPECT_TRUE(fs::exists(tmp / "out" / "fruits_thumbnail.jpg"));
}

TEST(MaxPixels, HugeDeclaredSizeIsRefusedQuickly) {
  TempDir tmp;
  test::write_bytes(tmp / "in" / "huge.png", png_declaring(100000, 100000));
  test::write_bytes(tmp / "in" / "huge.jpg", jpeg_declaring(65000, 65000));
  copy_from_data(tmp / "in", {"fruits.jpg"});
  const auto start = std::chrono::steady_clock::now();
  // The PNG is over the limit. The JPEG's few bytes cannot hold the Huffman data of 65000x65000
  // pixels: refused as truncated at its header, before the limit is asked (the limit on what a
  // sequential JPEG holds at its DCT scale: Decode.PixelLimitIsOnWhatASequentialJpegHolds).
  const CommandResult r =
      run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "-q", "--max-pixels", "50000000"}, 30);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_LT(seconds, 5.0);
  for (const std::string name : {"huge.png", "huge.jpg"}) {
    const auto lines = lines_with(r.err, (tmp / "in" / name).string());
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_TRUE(contains_ci(lines[0], name == "huge.png" ? "over the limit" : "truncated JPEG ("))
        << lines[0];
  }
  EXPECT_TRUE(fs::exists(tmp / "out" / "fruits_thumbnail.jpg"));
  EXPECT_EQ(files_under(tmp / "out").size(), 1u);
}

TEST(MaxPixels, LimitOptionIsApplied) {
  TempDir tmp;
  test::write_bytes(tmp / "in" / "p.png", test::encode(test::make_picture(800, 600, CV_8UC3), ".png"));
  test::write_bytes(tmp / "in" / "p.jpg", test::encode(test::make_picture(800, 600, CV_8UC3), ".jpg"));
  const CommandResult refused =
      run_cli({(tmp / "in").string(), "-o", (tmp / "out1").string(), "--max-pixels", "1000", "-q"});
  ASSERT_EQ(refused.exit_code, 2) << describe(refused);
  // The PNG for its declared size, the sequential JPEG for what its 1/2 scale holds (400x300, twice the 128
  // px box).
  EXPECT_EQ(lines_of(refused.err).size(), 2u) << refused.err;
  EXPECT_EQ(lines_with(refused.err, "p.png: declares 800x600 pixels (0.5 MP), over the limit").size(), 1u)
      << refused.err;
  EXPECT_EQ(lines_with(refused.err, "p.jpg: declares 800x600 pixels, and needs 400x300").size(), 1u)
      << refused.err;
  for (const auto& line : lines_of(refused.err))
    EXPECT_TRUE(contains_ci(line, "limit") || contains_ci(line, "max-pixels")) << line;
  EXPECT_TRUE(files_under(tmp / "out1").empty());

  // The limit is inclusive: exactly 800x600 pixels pass, one fewer allowed does not (for the PNG; the
  // JPEG needs only 400x300 for a 128 px box).
  const CommandResult exact =
      run_cli({(tmp / "in").string(), "-o", (tmp / "out2").string(), "--max-pixels", "480000", "-q"});
  EXPECT_EQ(exact.exit_code, 0) << describe(exact);
  const CommandResult below =
      run_cli({(tmp / "in").string(), "-o", (tmp / "out3").string(), "--max-pixels", "479999", "-q"});
  EXPECT_EQ(below.exit_code, 2) << describe(below);
  EXPECT_EQ(lines_of(below.err).size(), 1u) << below.err;
  EXPECT_EQ(lines_with(below.err, "p.png: ").size(), 1u) << below.err;
  EXPECT_TRUE(fs::exists(tmp / "out3" / "p_thumbnail.jpg"));
  const CommandResult unlimited =
      run_cli({(tmp / "in").string(), "-o", (tmp / "out4").string(), "--max-pixels", "0", "-q"});
  EXPECT_EQ(unlimited.exit_code, 0) << describe(unlimited);
}

TEST(Usage, ErrorsExitOneAndWriteNothing) {
  TempDir tmp;
  copy_from_data(tmp / "in", {"fruits.jpg"});
  const std::string in = (tmp / "in").string();
  const std::vector<std::vector<std::string>> cases = {
      {in, "-s", "0x5"},
      {in, "-s", "abc"},
      {in, "-s", "70000x10"},
      {in, "-s", "-5"},
      {(tmp / "does-not-exist").string()},
      {in, (tmp / "does-not-exist.jpg").string()},
      {in, "--quality", "0"},
      {in, "--quality", "101"},
      {in, "--no-such-option"},
      {in, "--name", "thumb.{ext}"},
      {in, "--name", "{stem}/x.{ext}"},
      {in, "--name", "{stem}_{nope}.{ext}"},
      {in, "--name", ""},
      {in, "--name", "{stem}"},
      {in, "--name", "{stem}.gif"},
      {in, "--format", "gif"},
      {in, "--background", "purple"},
      {in, "--decode", "slow"},
      {in, "-j", "-1"},
      {in, "--quality", "abc"},
      {in, "--threads"},
      {in, "--html", (tmp / "sheet.txt").string()},
      {in, "--html", (tmp / "sheet.html").string(), "--no-html"},
      {in, "--html", (tmp / "no-such-folder" / "sheet.html").string()},
      {in, "--html", (tmp / "r.html").string(), "--report", (tmp / "r.html").string()},
  };
  const auto before = snapshot(tmp.path());
  int n = 0;
  for (const auto& c : cases) {
    const fs::path out = tmp / ("out" + std::to_string(n++));
    std::vector<std::string> args = c;
    args.insert(args.end(), {"-o", out.string()});
    std::string shown;
    for (const auto& a : c) shown += a + " ";
    SCOPED_TRACE(shown);
    const CommandResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.rfind("thumbflow: ", 0), 0u) << r.err;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << "one clear line: " << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_FALSE(fs::exists(out)) << "the output folder must not be created";
  }
  EXPECT_EQ(snapshot(tmp.path()), before) << "nothing written anywhere";

  const CommandResult no_output = run_cli({in});
  EXPECT_EQ(no_output.exit_code, 1) << describe(no_output);
  EXPECT_FALSE(no_output.err.empty());
  const CommandResult no_input = run_cli({"-o", (tmp / "outx").string()});
  EXPECT_EQ(no_input.exit_code, 1) << describe(no_input);
  EXPECT_FALSE(fs::exists(tmp / "outx"));
  const CommandResult no_command = test::run_command({kCli});
  EXPECT_NE(no_command.exit_code, 0) << describe(no_command);
}

TEST(Usage, OutputThatIsAFileIsASetupError) {
  TempDir tmp;
  copy_from_data(tmp / "in", {"fruits.jpg"});
  test::write_text(tmp / "taken", "not a folder\n");
  const CommandResult r = run_cli({(tmp / "in").string(), "-o", (tmp / "taken").string()});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_NE(r.err.find((tmp / "taken").string()), std::string::npos) << r.err;
  EXPECT_EQ(files_under(tmp.path()), (std::vector<std::string>{"in/fruits.jpg", "taken"}));
}

TEST(Usage, HelpListsTheOptions) {
  const CommandResult r = test::run_command({kCli, "run", "--help"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  for (const char* option : {"--output", "--size", "--name", "--format", "--quality", "--background",
                             "--max-pixels", "--serial", "--report", "--json", "--no-recursive", "--force"})
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
}

TEST(Usage, EveryCommandHasHelpWithExamples) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {kCli, "--help"}, {kCli, "run", "--help"}, {kCli, "fetch", "--help"}}) {
    const CommandResult r = test::run_command(args);
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_NE(r.out.find("Examples:\n  thumbflow "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Usage: thumbflow"), std::string::npos) << "the program's name, not its path";
  }
}

// `thumbflow` alone shows what it can do (the commands and examples), not only that a command is
// missing; nothing was done, so the exit status is 1.
TEST(Usage, NoArgumentsShowTheCommands) {
  const CommandResult r = test::run_command({kCli});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(r.out, "");
  for (const char* command : {"run", "fetch", "gallery", "enqueue", "worker", "Examples:\n  thumbflow "})
    EXPECT_NE(r.err.find(command), std::string::npos) << command << ": " << r.err;
}

TEST(Usage, VersionNamesTheLibrariesInUse) {
  const CommandResult r = test::run_command({kCli, "--version"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  for (const char* library : {"thumbflow ", "OpenCV ", "oneTBB ", "libcurl ", "libjpeg-turbo "})
    EXPECT_EQ(lines_with(r.out, library).size(), 1u) << library << " in\n" << r.out;
}

TEST(Usage, UnknownCommandIsOneLine) {
  const CommandResult r = test::run_command({kCli, "thumbnail", "x"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(r.err.rfind("thumbflow: unknown command 'thumbnail' (commands: run, fetch", 0), 0u) << r.err;
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
}

TEST(Collision, SameStemDifferentExtension) {
  TempDir tmp;
  const cv::Mat picture = test::make_picture(200, 150, CV_8UC3);
  test::write_bytes(tmp / "in" / "a.jpg", test::encode(picture, ".jpg"));
  test::write_bytes(tmp / "in" / "a.png", test::encode(picture, ".png"));
  const CommandResult r =
      run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "--format", "jpg", "--json", "-q"});
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  const auto summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["done"], 1);
  EXPECT_EQ(summary["failed"], 1);
  const auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  const std::string a_jpg = (tmp / "in" / "a.jpg").string(), a_png = (tmp / "in" / "a.png").string();
  const bool names_both =
      lines[0].find(a_jpg) != std::string::npos && lines[0].find(a_png) != std::string::npos;
  EXPECT_TRUE(names_both) << "the error names the item and the other one: " << lines[0];
  EXPECT_NE(lines[0].find("{srcext}"), std::string::npos) << lines[0];
  EXPECT_EQ(files_under(tmp / "out"), std::vector<std::string>{"a_thumbnail.jpg"});
  EXPECT_TRUE(temp_leftovers(tmp.path()).empty());

  // Following the advice keeps both.
  const CommandResult fixed = run_cli({(tmp / "in").string(), "-o", (tmp / "out2").string(), "--format",
                                       "jpg", "--name", "{stem}_{srcext}.{ext}", "-q"});
  ASSERT_EQ(fixed.exit_code, 0) << describe(fixed);
  EXPECT_EQ(files_under(tmp / "out2"), (std::vector<std::string>{"a_jpg.jpg", "a_png.jpg"}));
}

// A file of a format thumbflow does not read (.ico, .psd, .jp2, .j2k) gives way to the picture of
// the same stem: favicon.ico sorts before favicon.png and took its thumbnail name, and the PNG
// failed with a naming hint. Two unread files of one stem each fail with their own reason.
TEST(Collision, AnUnreadFormatGivesWayToThePictureOfTheSameStem) {
  TempDir tmp;
  test::write_bytes(tmp / "in" / "favicon.png", test::encode(test::make_picture(64, 64, CV_8UC3), ".png"));
  test::write_bytes(tmp / "in" / "favicon.ico", {0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0});
  test::write_bytes(tmp / "in" / "x.ico", {0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0});
  test::write_bytes(tmp / "in" / "x.psd", {'8', 'B', 'P', 'S', 0, 1, 0, 0, 0, 0, 0, 0});
  const CommandResult r =
      run_cli({(tmp / "in").string(), "-o", (tmp / "out").string(), "--no-html", "-s", "32", "-v"});
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(files_under(tmp / "out"), std::vector<std::string>{"favicon_thumbnail.png"}) << r.err;
  EXPECT_EQ(r.err.find("{srcext}"), std::string::npos) << r.err;
  EXPECT_EQ(lines_with(r.err, ": unsupported format").size(), 3u) << r.err;
  EXPECT_EQ(lines_with(r.err, "does not read .psd files").size(), 1u) << r.err;
  EXPECT_EQ(lines_with(r.err, "does not read .ico files (and its thumbnail name").size(), 1u) << r.err;
}

// {srcext} is checked per file: a source whose extension thumbflow cannot write fails alone, with
// the reason, and the batch goes on (it once threw outside the stage and aborted the run).
TEST(BadInput, SourceExtensionThatCannotBeWrittenFailsThatFileOnly) {
  TempDir tmp;
  const cv::Mat picture = test::make_picture(200, 150, CV_8UC3);
  test::write_bytes(tmp / "in" / "a.jpg", test::encode(picture, ".jpg"));
  test::write_bytes(tmp / "in" / "b.bmp", test::encode(picture, ".bmp"));
  const CommandResult r = run_cli(
      {(tmp / "in").string(), "-o", (tmp / "out").string(), "--name", "{stem}_t.{srcext}", "--json", "-q"});
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  const auto summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["done"], 1);
  EXPECT_EQ(summary["failed"], 1);
  EXPECT_NE(r.err.find("b.bmp"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot tell the output format"), std::string::npos) << r.err;
  EXPECT_EQ(files_under(tmp / "out"), std::vector<std::string>{"a_t.jpg"});
  EXPECT_TRUE(temp_leftovers(tmp.path()).empty());
}

}  // namespace
}  // namespace thumbflow::e2e
