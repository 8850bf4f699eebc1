// `thumbflow enqueue`: one job per image into a Redis stream, for `thumbflow worker`s to do.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "batch_cli.hpp"
#include "commands.hpp"
#include "queue_cli.hpp"
#include "thumbflow/gallery.hpp"
#include "thumbflow/queue.hpp"

namespace thumbflow::cli {
namespace {

struct EnqueueArgs : BatchArgs, QueueArgs {
  std::vector<std::string> inputs;
  std::string urls, workers_output;
  bool no_recursive = false;
  GalleryOptions gallery;
  bool from_gallery = false;
};

// Every image the gallery lists (pages, albums expanded), as URL items.
std::vector<Item> list_gallery(const GalleryOptions& options) {
  const NextItem next =
      gallery_source(options, nullptr, [](const std::string& line) { print_line("thumbflow: " + line); });
  std::vector<Item> items;
  while (std::optional<Item> item = next()) items.push_back(std::move(*item));
  return items;
}

int run_enqueue(const EnqueueArgs& a) {
  EnqueueOptions options;
  std::vector<Item> items;
  RedisAddress redis;
  try {
    redis = parse_redis_url(a.redis);
    options.thumbnail = to_thumbnail_options(a);
    options.name_template = name_template(a);
    options.force = a.force;
    if (a.inputs.empty() && a.urls.empty() && !a.from_gallery)
      throw std::invalid_argument("name folders or files, --urls LIST or --gallery API");
    if (!a.inputs.empty()) {
      CollectOptions collect;
      collect.recursive = !a.no_recursive;
      collect.output_dir = a.workers_output;
      collect.name_template = options.name_template;
      collect.thumbnail = options.thumbnail;
      items = collect_local_items(a.inputs, collect);
    }
    if (!a.urls.empty()) {
      std::vector<Item> remote = parse_url_list(read_url_list(a.urls), a.urls == "-" ? "stdin" : a.urls);
      items.insert(items.end(), remote.begin(), remote.end());
    }
    if (a.from_gallery) {
      std::vector<Item> listed = list_gallery(a.gallery);
      items.insert(items.end(), listed.begin(), listed.end());
    }
  } catch (const std::exception& e) {
    print_line(std::string("thumbflow: ") + e.what());
    return 1;
  }
  EnqueueSummary s;
  try {
    s = enqueue(redis, a.queue, items, options, [](const Item& item, const std::string& reason) {
      print_line("thumbflow: " + item.input + ": " + reason);
    });
  } catch (const std::exception& e) {
    print_line(std::string("thumbflow: ") + e.what());
    return 1;
  }
  if (!a.quiet)
    std::cerr << "thumbflow: " << s.added << " job" << (s.added == 1 ? "" : "s") << " added to queue "
              << a.queue << " at " << describe(redis) << ", " << s.duplicates << " already enqueued"
              << (s.rejected ? ", " + std::to_string(s.rejected) + " rejected" : "") << "\n";
  if (a.json)
    std::cout << nlohmann::json{{"queue", a.queue},
                                {"added", s.added},
                                {"duplicates", s.duplicates},
                                {"rejected", s.rejected}}
                     .dump(2)
              << "\n";
  return s.rejected > 0 ? 2 : 0;
}

}  // namespace

void add_enqueue_command(CLI::App& app, std::function<int()>& command) {
  auto args = std::make_shared<EnqueueArgs>();
  CLI::App* cmd = app.add_subcommand("enqueue", "Put one thumbnail job per image into a Redis queue.");
  cmd->footer(
      "Each job carries everything a worker needs: the input (absolute path or URL), the output name,\n"
      "size, format and quality. Paths must be the same on the workers (a shared file system).\n"
      "Enqueueing the same images again adds nothing (an edited file is a new job); --force does.\n"
      "Examples:\n"
      "  thumbflow enqueue --redis redis://:secret@queue-host:6379 --queue photos /srv/photos -s 300x200\n"
      "  thumbflow enqueue --queue photos --urls urls.txt --format webp\n"
      "  thumbflow enqueue --queue hot --gallery https://api.imgur.com --client-id ID --pages 5");
  cmd->add_option("inputs", args->inputs, "Image files and folders (folders are searched recursively)");
  cmd->add_option("--urls", args->urls, "File with one image URL per line, or - for standard input");
  cmd->add_flag("--no-recursive", args->no_recursive, "Only the top level of each folder");
  cmd->add_option(
      "--workers-output", args->workers_output,
      "The workers' output folder, when it lies inside a folder enqueued: its thumbnails are not enqueued");
  GalleryOptions& g = args->gallery;
  cmd->add_option("--gallery", g.api,
                  "Enqueue the images an Imgur-compatible API lists (e.g. https://api.imgur.com)")
      ->each([args](const std::string&) { args->from_gallery = true; });
  cmd->add_option("--client-id", g.client_id, "Gallery API client id (default: $IMGUR_CLIENT_ID)")
      ->envname("IMGUR_CLIENT_ID");
  add_gallery_listing_options(*cmd, g);
  cmd->add_flag(
      "--allow-private-urls", g.allow_private_addresses,
      "Let the gallery API's redirects reach loopback, private and link-local addresses (refused by "
      "default; workers download such links only with their own --allow-private-urls)");
  cmd->add_flag("--force", args->force,
                "Enqueue again what was enqueued before, and redo existing thumbnails");
  cmd->add_flag("-q,--quiet", args->quiet, "No summary on stderr (errors are still printed)");
  cmd->add_flag("--json", args->json, "Print the counts as JSON on stdout");
  add_thumbnail_options(*cmd, *args);
  add_queue_options(*cmd, *args);
  cmd->callback([&command, args] { command = [args] { return run_enqueue(*args); }; });
}

}  // namespace thumbflow::cli
