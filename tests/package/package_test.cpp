// The installed package as a user gets it: `cmake --install` of this build tree into a temporary
// prefix, then tests/package/consumer (a project of its own) is configured and built against that
// prefix with find_package(thumbflow) and run on sample images.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace thumbflow::e2e {
namespace {

// Configuring finds OpenCV, TBB and curl again and compiles a few files: bounded, but not tiny.
constexpr int kStepTimeoutS = 240;

const std::string kCMake = THUMBFLOW_CMAKE;

CommandResult run_step(const std::vector<std::string>& argv) {
  return test::run_command(argv, kStepTimeoutS);
}

TEST(Package, ConsumerBuildsAgainstTheInstalledTreeAndMakesThumbnails) {
  TempDir tmp;
  const fs::path prefix = tmp / "prefix", build = tmp / "consumer-build", out = tmp / "out";

  const CommandResult install =
      run_step({kCMake, "--install", THUMBFLOW_BUILD_DIR, "--prefix", prefix.string()});
  ASSERT_EQ(install.exit_code, 0) << describe(install);
  EXPECT_TRUE(fs::exists(prefix / "bin" / "thumbflow"));
  EXPECT_TRUE(fs::exists(prefix / "include" / "thumbflow" / "pipeline.hpp"));

  // The consumer uses the compiler of this build (and its launcher and sanitizer flags, which a
  // sanitized static libthumbflow needs at link time), nothing else of it.
  std::vector<std::string> configure = {kCMake,
                                        "-S",
                                        THUMBFLOW_CONSUMER_DIR,
                                        "-B",
                                        build.string(),
                                        "-G",
                                        THUMBFLOW_CMAKE_GENERATOR,
                                        "-DCMAKE_PREFIX_PATH=" + prefix.string(),
                                        "-DCMAKE_CXX_COMPILER=" THUMBFLOW_CXX_COMPILER,
                                        "-DCMAKE_CXX_FLAGS=" THUMBFLOW_CONSUMER_FLAGS,
                                        "-DCMAKE_EXE_LINKER_FLAGS=" THUMBFLOW_CONSUMER_FLAGS};
  if (std::string(THUMBFLOW_CXX_LAUNCHER).size() > 0)
    configure.push_back("-DCMAKE_CXX_COMPILER_LAUNCHER=" THUMBFLOW_CXX_LAUNCHER);
  const CommandResult configured = run_step(configure);
  ASSERT_EQ(configured.exit_code, 0) << describe(configured);
  const CommandResult built = run_step({kCMake, "--build", build.string()});
  ASSERT_EQ(built.exit_code, 0) << describe(built);

  // One good image and one broken file: the good one gives its thumbnail, the broken one is
  // reported (exit 2) without stopping the batch.
  const fs::path broken = tmp / "broken.jpg";
  test::write_text(broken, "not a picture");
  const fs::path input = kDataDir / "fruits.jpg";
  const CommandResult r = test::run_command(
      {(build / "make_thumbnails").string(), "200x100", out.string(), input.string(), broken.string()},
      kRunTimeoutS);
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(lines_with(r.out, "failed " + broken.string()).size(), 1u) << describe(r);
  EXPECT_EQ(lines_with(r.out, "1 done, 1 failed").size(), 1u) << describe(r);

  const cv::Mat thumb = read_image(out / "fruits_thumbnail.jpg");
  ASSERT_FALSE(thumb.empty()) << describe(r);
  const cv::Size expected = expected_fit(read_image(input, cv::IMREAD_COLOR).size(), {200, 100});
  EXPECT_EQ(thumb.size(), expected);
  const std::string size_text = std::to_string(expected.width) + "x" + std::to_string(expected.height);
  EXPECT_EQ(lines_with(r.out, "done " + input.string()).size(), 1u) << describe(r);
  EXPECT_NE(r.out.find(size_text), std::string::npos) << describe(r);

  // The installed command runs from the prefix too.
  const CommandResult version = test::run_command({(prefix / "bin" / "thumbflow").string(), "--version"}, 30);
  EXPECT_EQ(version.exit_code, 0) << describe(version);
  EXPECT_NE(version.out.find(std::string("thumbflow ")), std::string::npos) << describe(version);
}

// The README's "Use from C++" example is the consumer's code, line for line, so what the README
// shows is what the test above compiles and runs.
TEST(Package, ReadmeExampleIsTheConsumersCode) {
  const auto text_of = [](const fs::path& p) {
    const std::vector<std::uint8_t> bytes = test::read_bytes(p);
    return std::string(bytes.begin(), bytes.end());
  };
  const std::string readme = text_of(kDataDir.parent_path() / "README.md");
  const std::string consumer = text_of(fs::path(THUMBFLOW_CONSUMER_DIR) / "main.cpp");
  const auto section = readme.find("## Use from C++");
  ASSERT_NE(section, std::string::npos);
  const std::string fence = "```cpp\n";
  const auto begin = readme.find(fence, section);
  ASSERT_NE(begin, std::string::npos);
  const auto end = readme.find("```", begin + fence.size());
  ASSERT_NE(end, std::string::npos);
  const std::vector<std::string> example =
      lines_of(readme.substr(begin + fence.size(), end - begin - fence.size()));
  EXPECT_GE(example.size(), 10u);
  const std::vector<std::string> code = lines_of(consumer);
  for (const std::string& line : example)
    EXPECT_NE(std::find(code.begin(), code.end(), line), code.end()) << "not in main.cpp: " << line;
}

}  // namespace
}  // namespace thumbflow::e2e
