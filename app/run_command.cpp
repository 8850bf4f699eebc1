// `thumbflow run`: thumbnails of local folders and files.
#include <iostream>
#include <memory>

#include "batch_cli.hpp"
#include "commands.hpp"

namespace thumbflow::cli {

void add_run_command(CLI::App& app, std::function<int()>& command) {
  struct Args : BatchArgs {
    std::vector<std::string> inputs;
    bool no_recursive = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("run", "Make thumbnails of image files and folders.");
  cmd->footer(
      "Examples:\n"
      "  thumbflow run photos/ -o thumbs/                 128x128 box, names like a_thumbnail.jpg\n"
      "  thumbflow run photos/ -o thumbs/ -s 300x200 --format webp --quality 80\n"
      "  thumbflow run a.jpg b.png -o . --name '{stem}_{w}.{ext}'\n"
      "  thumbflow run photos/ -o thumbs/ --serial         the one-image-at-a-time baseline\n"
      "  thumbflow run photos/ -o thumbs/ --html sheet.html --report run.json -q\n"
      "  thumbflow run photos/ -o thumbs/ --json -q | jq .done\n"
      "The contact sheet (default OUTPUT/index.html, --no-html for none) shows every thumbnail with a\n"
      "link to its original, and the failures with their reasons; open it in any browser.");
  cmd->add_option("inputs", args->inputs, "Image files and folders (folders are searched recursively)")
      ->required();
  cmd->add_flag("--no-recursive", args->no_recursive, "Only the top level of each folder");
  add_batch_options(*cmd, *args);
  cmd->callback([&command, args] {
    command = [args] {
      return run_batch_command(
          *args, [](BatchOptions&) {},
          [&](const BatchOptions& o) {
            CollectOptions collect;
            collect.recursive = !args->no_recursive;
            collect.output_dir = o.output_dir;
            collect.name_template = o.name_template;
            collect.thumbnail = o.thumbnail;
            return collect_local_items(args->inputs, collect);
          });
    };
  });
}

}  // namespace thumbflow::cli
