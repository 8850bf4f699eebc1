// `thumbflow bench --repeat 1` on a tiny set: every mode in the JSON, a well-formed SVG. No timing
// is asserted: the numbers depend on the machine.
#include <regex>

#include "e2e_support.hpp"

namespace thumbflow::e2e {
namespace {

// Tags balance (every <x> closed by </x> or self-closed), and the root is <svg>.
bool well_formed_svg(const std::string& text, std::string* why) {
  std::vector<std::string> open;
  bool root_seen = false;
  const std::regex tag(R"(<(/?)([A-Za-z][\w:-]*)([^>]*?)(/?)>)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), tag); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    const std::string name = m[2];
    if (m[1] == "/") {
      if (open.empty() || open.back() != name) {
        *why = "</" + name + "> does not close " + (open.empty() ? "anything" : "<" + open.back() + ">");
        return false;
      }
      open.pop_back();
    } else if (m[4] != "/") {
      if (open.empty() && root_seen) {
        *why = "content after the root element";
        return false;
      }
      if (open.empty() && name != "svg") {
        *why = "root is <" + name + ">";
        return false;
      }
      root_seen = true;
      open.push_back(name);
    }
  }
  if (!open.empty()) *why = "<" + open.back() + "> is never closed";
  return root_seen && open.empty();
}

std::string bench_read_text(const fs::path& p) {
  const std::vector<std::uint8_t> bytes = test::read_bytes(p);
  return std::string(bytes.begin(), bytes.end());
}

class Bench : public ::testing::Test {
 protected:
  TempDir dir;
  void SetUp() override { copy_from_data(dir / "in", {"fruits.jpg", "baboon.jpg", "opencv-logo.png"}); }

  nlohmann::json bench(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {kCli,
                                     "bench",
                                     (dir / "in").string(),
                                     "--repeat",
                                     "1",
                                     "--json",
                                     (dir / "b.json").string(),
                                     "--chart",
                                     (dir / "b.svg").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    result = test::run_command(argv, kRunTimeoutS);
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    return read_json(dir / "b.json");
  }
  CommandResult result;
};

std::vector<std::string> names(const nlohmann::json& figures) {
  std::vector<std::string> out;
  for (const auto& f : figures) out.push_back(f["name"]);
  return out;
}

void expect_figures_complete(const nlohmann::json& figures) {
  for (const auto& f : figures) {
    EXPECT_EQ(f["images"], 3) << f;
    EXPECT_EQ(f["failed"], 0) << f;
    EXPECT_EQ(f["seconds"].size(), 1u) << f;
    for (const char* key : {"median_s", "images_per_s", "mp_per_s", "mb_per_s", "speedup", "efficiency"})
      EXPECT_GT(f[key].get<double>(), 0) << key << " " << f;
    EXPECT_GE(f["cpu_cores"].get<double>(), 0) << f;
    EXPECT_GT(f["peak_rss_kb"].get<long>(), 0) << f;
  }
}

TEST_F(Bench, FolderHasSerialAndThreadsAndTheThreadSweep) {
  const nlohmann::json j = bench({"--max-threads", "2"});
  EXPECT_EQ(names(j["modes"]), (std::vector<std::string>{"serial", "threads"}));
  EXPECT_EQ(names(j["thread_sweep"]), (std::vector<std::string>{"threads=1", "threads=2"}));
  EXPECT_TRUE(j["connection_sweep"].empty());
  expect_figures_complete(j["modes"]);
  expect_figures_complete(j["thread_sweep"]);
  EXPECT_EQ(j["modes"][0]["speedup"], 1.0);
  EXPECT_GE(j["machine"]["cores"].get<int>(), 1);
  EXPECT_TRUE(contains_ci(j["versions"]["libraries"].get<std::string>(), "opencv"));
  EXPECT_FALSE(lines_with(result.out, "Threads sweep").empty()) << describe(result);
  std::string why;
  EXPECT_TRUE(well_formed_svg(bench_read_text(dir / "b.svg"), &why)) << why;
  EXPECT_TRUE(temp_leftovers(dir.path()).empty());
}

TEST_F(Bench, GalleryHasEveryModeAndBothSweeps) {
  const nlohmann::json j =
      bench({"--gallery", "--latency-ms", "5", "--max-threads", "2", "--connections", "1,4"});
  EXPECT_EQ(names(j["modes"]), (std::vector<std::string>{"serial", "threads", "downloads", "pipeline"}));
  EXPECT_EQ(names(j["connection_sweep"]), (std::vector<std::string>{"connections=1", "connections=4"}));
  expect_figures_complete(j["modes"]);
  expect_figures_complete(j["thread_sweep"]);
  expect_figures_complete(j["connection_sweep"]);
  EXPECT_EQ(j["latency_ms"], 5);
  std::string why;
  const std::string svg = bench_read_text(dir / "b.svg");
  EXPECT_TRUE(well_formed_svg(svg, &why)) << why;
  EXPECT_NE(svg.find("connections"), std::string::npos);
}

TEST_F(Bench, WritesJsonAndChartIntoItsOutputFolderAndSaysWhere) {
  const fs::path out = dir / "results";
  const CommandResult r = test::run_command(
      {kCli, "bench", (dir / "in").string(), "--repeat", "2", "--max-threads", "1", "-o", out.string()},
      kRunTimeoutS);
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(lines_with(r.err, "JSON in " + (out / "bench.json").string() + ", chart in " +
                                  (out / "bench.svg").string())
                .size(),
            1u)
      << r.err;
  std::string why;
  EXPECT_TRUE(well_formed_svg(bench_read_text(out / "bench.svg"), &why)) << why;
  const nlohmann::json j = read_json(out / "bench.json");
  for (const auto& f : j["modes"]) {
    const double spread = f["spread"].get<double>();
    EXPECT_NEAR(spread, (f["max_s"].get<double>() - f["min_s"].get<double>()) / f["min_s"].get<double>(),
                1e-9);
  }
  // What the JSON calls too noisy is said on stderr too, in words.
  for (const auto& w : j["warnings"])
    EXPECT_EQ(lines_with(r.err, "thumbflow bench: warning: " + w.get<std::string>()).size(), 1u) << r.err;
  EXPECT_NE(r.out.find("spread"), std::string::npos) << r.out;
}

TEST_F(Bench, AFolderWithoutImagesIsAOneLineError) {
  const CommandResult r = test::run_command({kCli, "bench", (dir / "nothing").string(), "--repeat", "1"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << describe(r);
}

}  // namespace
}  // namespace thumbflow::e2e
