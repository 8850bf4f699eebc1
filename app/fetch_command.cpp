// `thumbflow fetch`: download the images of a URL list and make their thumbnails, overlapped.
#include <fstream>
#include <iostream>
#include <memory>

#include "batch_cli.hpp"
#include "commands.hpp"

namespace thumbflow::cli {
void add_fetch_command(CLI::App& app, std::function<int()>& command) {
  struct Args : BatchArgs {
    std::string list;
    DownloadOptions download;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("fetch", "Download the images of a URL list and make their thumbnails.");
  cmd->footer(
      "The list has one http(s) URL per line; blank lines and lines starting with # are skipped.\n"
      "Downloads run concurrently (libcurl multi) and each image is thumbnailed as soon as it arrives.\n"
      "A re-run downloads nothing whose thumbnail is already there (--force redoes everything).\n"
      "Examples:\n"
      "  thumbflow fetch urls.txt -o thumbs/\n"
      "  cat urls.txt | thumbflow fetch - -o thumbs/ --connections 32 --keep-originals originals/\n"
      "  thumbflow fetch urls.txt -o thumbs/ --serial      one download at a time (the baseline)\n"
      "  thumbflow fetch urls.txt -o thumbs/ --json -q     the summary as JSON on stdout, nothing on stderr\n"
      "thumbs/index.html (--html FILE, --no-html) links each thumbnail to its URL.\n"
      "--header values go only to the scheme, host and port of each URL, never after a redirect elsewhere.\n"
      "Proxies: libcurl's http_proxy, https_proxy, all_proxy and no_proxy variables are honoured.");
  cmd->add_option("list", args->list, "File with one URL per line, or - for standard input")->required();
  add_download_options(*cmd, args->download);
  add_batch_options(*cmd, *args);
  cmd->callback([&command, args] {
    command = [args] {
      return run_batch_command(
          *args,
          [&](BatchOptions& o) {
            o.download = args->download;
            o.download.allow_private_addresses = true;  // the user's own list: fetched wherever it points
          },
          [&](const BatchOptions&) {
            return parse_url_list(read_url_list(args->list), args->list == "-" ? "stdin" : args->list);
          });
    };
  });
}

}  // namespace thumbflow::cli
