#include "thumbflow/sources.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "test_support.hpp"

namespace thumbflow {
namespace {
namespace fs = std::filesystem;

std::vector<std::string> relative_paths(const std::vector<Item>& items) {
  std::vector<std::string> out;
  for (const Item& i : items) out.push_back(i.relative_path);
  return out;
}

TEST(CollectLocalItems, WalksFoldersSortedAndSkipsHiddenAndNonImages) {
  test::TempDir dir;
  for (const char* f :
       {"b.jpg", "a.PNG", "notes.txt", ".hidden.jpg", "sub/c.webp", "sub/deeper/d.tif", ".git/e.jpg"})
    test::write_text(dir / f, "x");
  CollectOptions o;
  EXPECT_EQ(relative_paths(collect_local_items({dir.path().string()}, o)),
            (std::vector<std::string>{"a.PNG", "b.jpg", "sub/c.webp", "sub/deeper/d.tif"}));
  o.recursive = false;
  EXPECT_EQ(relative_paths(collect_local_items({dir.path().string()}, o)),
            (std::vector<std::string>{"a.PNG", "b.jpg"}));
}

// `run photos -o photos` then `run photos -o photos/thumbs`: the first run's thumbnails lie beside
// their originals (in its subfolders too), in a folder holding its settings record; they are not made
// into thumbnails again.
TEST(CollectLocalItems, ThumbnailsOfAnEarlierRunIntoTheInputFolderAreNotListed) {
  test::TempDir dir;
  for (const char* f : {"a.jpg", "a_thumbnail.jpg", "b.png", "b_thumbnail.png", "c_thumbnail.jpg",
                        "d_128.webp", "d.gif", "sub/e.jpg", "sub/e_thumbnail.jpg"})
    test::write_text(dir / f, "x");
  CollectOptions o;
  o.output_dir = (dir / "thumbs").string();
  // Without a record nothing says a_thumbnail.jpg is a thumbnail: it is listed.
  EXPECT_EQ(relative_paths(collect_local_items({dir.path().string()}, o)).size(), 9u);

  test::write_text(dir / ".thumbflow.settings.json", R"({"name":"{stem}_thumbnail.{ext}","quality":85})");
  EXPECT_EQ(
      relative_paths(collect_local_items({dir.path().string()}, o)),
      (std::vector<std::string>{"a.jpg", "b.png", "c_thumbnail.jpg", "d.gif", "d_128.webp", "sub/e.jpg"}));
  // The recorded template is the one that counts (a_thumbnail.jpg may be an original then); a
  // "pending" record names none: this run's and the default one are used.
  test::write_text(dir / ".thumbflow.settings.json", R"({"name":"{stem}_{size}.{ext}"})");
  EXPECT_EQ(relative_paths(collect_local_items({dir.path().string()}, o)),
            (std::vector<std::string>{"a.jpg", "a_thumbnail.jpg", "b.png", "b_thumbnail.png",
                                      "c_thumbnail.jpg", "d.gif", "sub/e.jpg", "sub/e_thumbnail.jpg"}));
  test::write_text(dir / ".thumbflow.settings.json", "\"pending\"\n");
  o.name_template = "{stem}_{w}.{ext}";
  EXPECT_EQ(relative_paths(collect_local_items({dir.path().string()}, o)),
            (std::vector<std::string>{"a.jpg", "b.png", "c_thumbnail.jpg", "d.gif", "sub/e.jpg"}));
  // A record naming a template that could make matching explode on a long name (six free {stem}
  // groups): a repeat must be the same stem, so the listing answers at once.
  test::write_text(dir / (std::string(200, 'a') + ".png"), "x");
  test::write_text(dir / ".thumbflow.settings.json",
                   R"({"name":"{stem}{stem}{stem}{stem}{stem}{stem}.jpg"})");
  EXPECT_EQ(relative_paths(collect_local_items({dir.path().string()}, o)).size(), 10u);
}

// An output folder inside the input (`run photos -o photos/thumbs`, or a subfolder run in place):
// its thumbnails are left out by name, its other pictures are listed; a folder whose record names
// no template is left out whole.
TEST(CollectLocalItems, ThumbnailsInAnEarlierOutputSubfolderAreNotListed) {
  test::TempDir dir;
  for (const char* f : {"a.jpg", "thumbs/a_thumbnail.jpg", "thumbs/sub/b_thumbnail.png", "thumbs/notes.jpg",
                        "2023/c.jpg", "2023/c_thumbnail.jpg", "pending/d.jpg"})
    test::write_text(dir / f, "x");
  test::write_text(dir / "thumbs" / ".thumbflow.settings.json", R"({"name":"{stem}_thumbnail.{ext}"})");
  test::write_text(dir / "2023" / ".thumbflow.settings.json", R"({"name":"{stem}_thumbnail.{ext}"})");
  test::write_text(dir / "pending" / ".thumbflow.settings.json", "\"pending\"\n");
  CollectOptions o;
  o.output_dir = (dir / "out").string();
  EXPECT_EQ(relative_paths(collect_local_items({dir.path().string()}, o)),
            (std::vector<std::string>{"2023/c.jpg", "a.jpg", "thumbs/notes.jpg"}));
  // The last run into thumbs/ used another template: the default one's thumbnails from before
  // still count as thumbnails there.
  test::write_text(dir / "thumbs" / "a_small.jpg", "x");
  test::write_text(dir / "thumbs" / ".thumbflow.settings.json", R"({"name":"{stem}_small.{ext}"})");
  EXPECT_EQ(relative_paths(collect_local_items({dir.path().string()}, o)),
            (std::vector<std::string>{"2023/c.jpg", "a.jpg", "thumbs/notes.jpg"}));
}

TEST(CollectLocalItems, ExplicitFilesAreTakenWhateverTheirExtension) {
  test::TempDir dir;
  test::write_text(dir / "notes.txt", "x");
  const auto items = collect_local_items({(dir / "notes.txt").string()}, {});
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].relative_path, "notes.txt");
}

TEST(CollectLocalItems, MissingInputIsAUsageError) {
  try {
    collect_local_items({"/nonexistent/thumbflow/x"}, {});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/thumbflow/x"), std::string::npos);
  }
}

TEST(CollectLocalItems, EarlierOutputsInsideTheInputAreNotInputs) {
  test::TempDir dir;
  for (const char* f : {"a.jpg", "b.bmp", "b_thumbnail.png", "lone_thumbnail.jpg", "thumbs/a_thumbnail.jpg",
                        "thumbs/keep.jpg"})
    test::write_text(dir / f, "x");
  CollectOptions o;
  o.output_dir = (dir / "thumbs").string();
  // The output folder is not searched; beside the sources, files with no source are inputs.
  EXPECT_EQ(relative_paths(collect_local_items({dir.path().string()}, o)),
            (std::vector<std::string>{"a.jpg", "b.bmp", "b_thumbnail.png", "lone_thumbnail.jpg"}));
  o.output_dir = dir.path().string();
  EXPECT_EQ(relative_paths(collect_local_items({dir.path().string()}, o)),
            (std::vector<std::string>{"a.jpg", "b.bmp", "lone_thumbnail.jpg", "thumbs/a_thumbnail.jpg",
                                      "thumbs/keep.jpg"}));
  // Once thumbs/ holds a settings record it is a thumbflow output folder: never an input folder.
  test::write_text(dir / "thumbs" / ".thumbflow.settings.json", "{}");
  EXPECT_EQ(relative_paths(collect_local_items({dir.path().string()}, o)),
            (std::vector<std::string>{"a.jpg", "b.bmp", "lone_thumbnail.jpg"}));
  // Named on the command line, it is searched.
  EXPECT_EQ(collect_local_items({(dir / "thumbs").string()}, o).size(), 2u);
  // Files named on the command line are always inputs.
  EXPECT_EQ(collect_local_items({(dir / "b_thumbnail.png").string()}, o).size(), 1u);
}

TEST(CollectLocalItems, AFileThatWouldBeItsOwnOutputStaysSoPlanningCanRefuseIt) {
  test::TempDir dir;
  test::write_text(dir / "a.jpg", "x");
  CollectOptions o;
  o.output_dir = dir.path().string();
  o.name_template = "{stem}.{ext}";
  EXPECT_EQ(relative_paths(collect_local_items({dir.path().string()}, o)),
            (std::vector<std::string>{"a.jpg"}));
}

TEST(CollectLocalItems, SymlinkedFoldersAreNotFollowed) {
  test::TempDir dir;
  test::write_text(dir / "real/a.jpg", "x");
  fs::create_directory_symlink(dir / "real", dir / "link");
  fs::create_directory_symlink(dir.path(), dir / "real/loop");
  EXPECT_EQ(relative_paths(collect_local_items({dir.path().string()}, {})),
            (std::vector<std::string>{"real/a.jpg"}));
}

}  // namespace
}  // namespace thumbflow
