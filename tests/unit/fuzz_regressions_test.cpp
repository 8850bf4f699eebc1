// Replays every fuzzer regression input (tests/fuzz/regressions/<target>/*) and every committed
// seed (tests/fuzz/seeds/<target>/*) through the fuzz target bodies, in every build. A body aborts
// on a broken invariant, so a failure here is a crash with the body's message on stderr.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../fuzz/fuzz_targets.hpp"

namespace thumbflow {
namespace {

namespace fs = std::filesystem;

const fs::path kFuzzDir = THUMBFLOW_FUZZ_DIR;

// Returns how many inputs were replayed.
int replay_all(const fs::path& root) {
  int count = 0;
  if (!fs::exists(root)) return 0;
  for (const auto& target : fs::directory_iterator(root)) {
    if (!target.is_directory()) continue;
    const fuzz::Body body = fuzz::body_named(target.path().filename().string());
    EXPECT_NE(body, nullptr) << "no fuzz target named like the folder " << target.path();
    if (body == nullptr) continue;
    for (const auto& file : fs::directory_iterator(target.path())) {
      if (!file.is_regular_file()) continue;
      SCOPED_TRACE(file.path().string());
      std::ifstream in(file.path(), std::ios::binary);
      const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
      body(bytes.data(), bytes.size());
      ++count;
    }
  }
  return count;
}

TEST(FuzzRegressions, EveryKeptInputAndSeedPasses) {
  EXPECT_GT(replay_all(kFuzzDir / "seeds"), 0);
  replay_all(kFuzzDir / "regressions");
}

TEST(FuzzRegressions, BodiesHaveTheirNames) {
  for (const char* name : {"thumbnail", "gallery_json", "url_names", "queue_job"})
    EXPECT_NE(fuzz::body_named(name), nullptr);
  EXPECT_EQ(fuzz::body_named("nope"), nullptr);
}

}  // namespace
}  // namespace thumbflow
