// A symbolic link planted inside the output folder does not redirect a thumbnail outside it: the
// item fails with a clear reason and nothing is written where the link points.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace thumbflow::e2e {
namespace {

TEST(SymlinkOutput, LinkInsideTheOutputFolderIsNotFollowed) {
  TempDir dir, elsewhere;
  copy_from_data(dir / "in" / "sub", {"fruits.jpg"});
  copy_from_data(dir / "in", {"baboon.jpg"});
  fs::create_directories(dir / "out");
  fs::create_directory_symlink(elsewhere.path(), dir / "out" / "sub");
  const CommandResult r = run_cli({(dir / "in").string(), "-o", (dir / "out").string()});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_TRUE(fs::is_empty(elsewhere.path())) << describe(r);
  const auto lines = lines_with(r.err, "fruits.jpg");
  ASSERT_EQ(lines.size(), 1u) << describe(r);
  EXPECT_NE(lines[0].find("symbolic link"), std::string::npos) << lines[0];
  // The rest of the batch went on.
  EXPECT_TRUE(fs::exists(dir / "out" / "baboon_thumbnail.jpg")) << describe(r);
  EXPECT_TRUE(temp_leftovers(dir.path()).empty());
}

}  // namespace
}  // namespace thumbflow::e2e
