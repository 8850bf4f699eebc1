// Temporary files of atomic writes, and the clean-up of those a killed run left behind.
#include "io/temp_files.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "io/storage.hpp"
#include "test_support.hpp"

namespace thumbflow::detail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A file as mkstemp makes it from temp_file_template(target), last modified `age` ago.
fs::path temp_file_for(const fs::path& target, std::chrono::seconds age) {
  std::string name = temp_file_template(target);
  const int fd = ::mkstemp(name.data());
  EXPECT_GE(fd, 0);
  ::close(fd);
  fs::last_write_time(name, fs::file_time_type::clock::now() - age);
  return name;
}

TEST(TempFiles, NamesAreHiddenBesideTheTargetAndRecognised) {
  const std::string name = temp_file_template("/out/sub/cat_thumbnail.jpg");
  EXPECT_EQ(name, "/out/sub/.cat_thumbnail.jpg.thumbflow-XXXXXX");
  EXPECT_TRUE(is_temp_file_name(".cat_thumbnail.jpg.thumbflow-a1B2c3"));
  for (const char* other : {"cat_thumbnail.jpg", ".thumbflow-abcdef", "x.thumbflow-abcdef",
                            ".x.thumbflow-abcde", ".x.thumbflow-abcdefg", ".thumbflow.settings.json", ""})
    EXPECT_FALSE(is_temp_file_name(other)) << other;
}

// A legal thumbnail name near NAME_MAX (255 bytes) still gets a temporary name that fits, cut
// short but not inside a UTF-8 character, and can be written.
TEST(TempFiles, ALegalNameNearTheLimitGetsATemporaryNameThatFits) {
  test::TempDir dir;
  const std::string ascii = std::string(250, 'L') + ".jpg";
  const std::string accented = std::string(236, 'L') + "\xc3\xa9.jpg";  // é at bytes 236-237
  EXPECT_EQ(fs::path(temp_file_template(dir / accented)).filename().string(),
            "." + std::string(236, 'L') + ".thumbflow-XXXXXX");
  for (const std::string& target : {ascii, accented}) {
    const std::string name = fs::path(temp_file_template(dir / target)).filename().string();
    EXPECT_LE(name.size(), 255u) << target;
    EXPECT_TRUE(is_temp_file_name(name)) << name;
    disk_storage(false).write_atomic((dir / target).string(), std::vector<std::uint8_t>{1, 2, 3});
    EXPECT_EQ(test::read_bytes(dir / target), (std::vector<std::uint8_t>{1, 2, 3}));
  }
}

TEST(TempFiles, RemovesOnlyAbandonedOnes) {
  test::TempDir dir;
  fs::create_directories(dir / "sub");
  const fs::path old_top = temp_file_for(dir / "a.jpg", 11min);
  const fs::path old_sub = temp_file_for(dir / "sub" / "b.png", 3h);
  const fs::path young = temp_file_for(dir / "c.jpg", 30s);  // another process writing now
  test::write_text(dir / "a.jpg", "thumbnail");
  test::write_text(dir / "notes.thumbflow-abcdef", "not hidden: not ours");
  fs::last_write_time(dir / "notes.thumbflow-abcdef", fs::file_time_type::clock::now() - 1h);
  fs::last_write_time(dir / "a.jpg", fs::file_time_type::clock::now() - 1h);

  EXPECT_EQ(remove_abandoned_temp_files(dir.path()), 2u);
  EXPECT_FALSE(fs::exists(old_top));
  EXPECT_FALSE(fs::exists(old_sub));
  EXPECT_TRUE(fs::exists(young));
  EXPECT_TRUE(fs::exists(dir / "a.jpg"));
  EXPECT_TRUE(fs::exists(dir / "notes.thumbflow-abcdef"));
  EXPECT_EQ(remove_abandoned_temp_files(dir.path()), 0u);
}

TEST(TempFiles, DoesNotFollowLinksOrFailOnMissingFolders) {
  test::TempDir dir, elsewhere;
  const fs::path outside = temp_file_for(elsewhere / "x.jpg", 1h);
  fs::create_directory_symlink(elsewhere.path(), dir / "link");
  EXPECT_EQ(remove_abandoned_temp_files(dir.path()), 0u);
  EXPECT_TRUE(fs::exists(outside));
  EXPECT_EQ(remove_abandoned_temp_files(dir / "missing"), 0u);
}

}  // namespace
}  // namespace thumbflow::detail
