// embed_icc SRC_DIR DST_DIR: copies every .jpg of SRC_DIR into DST_DIR with an Adobe RGB (1998)
// profile (made with lcms2) embedded as APP2, pixels untouched: the bench set "with a profile"
// for measuring what colour management costs (README, Colour). Not a test.
#include <filesystem>
#include <iostream>

#include "colour/embed.hpp"
#include "colour_images.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: embed_icc SRC_DIR DST_DIR\n";
    return 1;
  }
  const fs::path src = argv[1], dst = argv[2];
  fs::create_directories(dst);
  const thumbflow::test::Icc adobe = thumbflow::test::adobe_rgb_profile();
  int count = 0;
  for (const auto& entry : fs::directory_iterator(src)) {
    if (entry.path().extension() != ".jpg") continue;
    const auto bytes = thumbflow::test::read_bytes(entry.path());
    thumbflow::test::write_bytes(
        dst / entry.path().filename(),
        thumbflow::detail::embed_profile(bytes, thumbflow::OutputFormat::Jpeg, adobe));
    ++count;
  }
  std::cerr << "embed_icc: " << count << " files with an Adobe RGB profile in " << dst.string() << "\n";
  return 0;
}
