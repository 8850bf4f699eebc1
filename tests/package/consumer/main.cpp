// Thumbnails of the files and folders named on the command line, through thumbflow's C++ API.
// Built against the installed package by tests/package; the README's "Use from C++" example.
//   make_thumbnails BOX OUT_DIR FILE_OR_FOLDER...     e.g. make_thumbnails 200x100 thumbs photos/
#include <exception>
#include <iostream>
#include <string>
#include <thumbflow/geometry.hpp>
#include <thumbflow/pipeline.hpp>
#include <thumbflow/sources.hpp>
#include <thumbflow/version.hpp>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: make_thumbnails BOX OUT_DIR FILE_OR_FOLDER...\n";
    return 1;
  }
  try {
    thumbflow::BatchOptions options;  // defaults: same format, quality 85, all cores
    const thumbflow::Dimensions box = thumbflow::parse_box(argv[1]);
    options.thumbnail.box_width = box.width;
    options.thumbnail.box_height = box.height;
    options.output_dir = argv[2];

    const std::vector<std::string> inputs(argv + 3, argv + argc);
    const std::vector<thumbflow::Item> items = thumbflow::collect_local_items(inputs, {});
    const thumbflow::BatchReport report = thumbflow::run_batch(items, options);

    // Per-item problems (unreadable, not an image, ...) are in the report, not thrown.
    for (const thumbflow::ItemResult& item : report.items) {
      std::cout << thumbflow::to_string(item.status) << ' ' << item.input << " -> " << item.output << ' '
                << item.out_size.width << 'x' << item.out_size.height;
      if (!item.error.empty()) std::cout << " (" << item.error << ')';
      std::cout << '\n';
    }
    std::cout << "thumbflow " << thumbflow::version() << ": " << report.summary.done << " done, "
              << report.summary.failed << " failed\n";
    return report.summary.failed == 0 ? 0 : 2;
  } catch (const std::exception& e) {  // bad box or options, missing input, unwritable output
    std::cerr << "make_thumbnails: " << e.what() << '\n';
    return 1;
  }
}
