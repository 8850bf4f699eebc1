// thumbflow: the command line. Parsing only; all work is done by the library.
#include <malloc.h>
#include <sys/mman.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "commands.hpp"
#include "thumbflow/pipeline.hpp"
#include "thumbflow/version.hpp"

namespace {

// CLI11 says "inputs is required" for a missing positional: name the command and what to give.
std::optional<std::string> missing_positional(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands())
    for (const CLI::Option* opt : sub->get_options())
      if (opt->get_positional() && opt->get_required() && opt->count() == 0) {
        std::string what = opt->get_description();
        if (!what.empty()) what[0] = char(std::tolower(static_cast<unsigned char>(what[0])));
        return sub->get_name() + ": missing " + opt->get_name() + ": " + what;
      }
  return std::nullopt;
}

// CLI11 shows a checked value as its C++ type and validator ("INT:INT in [1 - 100]=85",
// "TEXT:{fast,full}"): say "N=85 (1-100)" and "{fast,full}" instead, for every command's help.
class Formatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* opt) const override {
    static const std::regex range(R"( (?:[A-Z]+:)?(INT|UINT|FLOAT) in \[([^\] ]+) - ([^\] ]+)\](=\S+)?)");
    static const std::regex choices(R"( [A-Z]+:\{)");  // "TEXT:{fast,full}": the choices say it
    std::smatch m;
    std::string text = std::regex_replace(CLI::Formatter::make_option_opts(opt), choices, " {");
    if (!std::regex_search(text, m, range)) return text;
    const std::string type = m[1].str() == "FLOAT" ? "NUMBER" : "N";
    return m.prefix().str() + " " + type + m[4].str() + " (" + m[2].str() + "-" + m[3].str() + ")" +
           m.suffix().str();
  }
};

// The heap the images' buffers come from, grown up front and marked for transparent huge pages
// (what glibc's tunable glibc.malloc.hugetlb=1 does, which can only be set in the environment):
// the first image of each thread touched its ~50 MB of fresh pages 4 KB at a time, ~13k page
// faults that cost 200 ms per thread for a 7 MP PNG on a virtual machine. Address space only:
// memory is used as it is touched, and M_TRIM_THRESHOLD (above the size) keeps the heap.
// Blocks under M_MMAP_THRESHOLD come from the heap; freed, they join its top.
void reserve_heap_in_huge_pages() {
  constexpr std::size_t kBlock = 30u << 20, kPage = 4096;
  const std::size_t blocks = std::min<std::size_t>(14, 2 * (std::thread::hardware_concurrency() + 1));
  std::vector<void*> taken;
  for (std::size_t i = 0; i < blocks; ++i) {
    void* p = std::malloc(kBlock);
    if (p == nullptr) break;
    taken.push_back(p);
    const std::uintptr_t start = (reinterpret_cast<std::uintptr_t>(p) + kPage - 1) & ~(kPage - 1);
    madvise(reinterpret_cast<void*>(start), kBlock - 2 * kPage, MADV_HUGEPAGE);  // may be refused
  }
  for (void* p : taken) std::free(p);
}

}  // namespace

int main(int argc, char** argv) {
  // Image buffers (tens of MB) are freed and allocated again for every image. glibc gives such
  // blocks back to the kernel at once (mmap/munmap), so each new image paid ~10k page faults and
  // the zeroing of its pages: 14-17% of a run on large photos and PNGs (README, "Fast at every size"). Up to
  // 32 MB (glibc's limit) they now come from the heap, and freed memory is kept for the next image.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  // That holds in glibc's main arena only. Each further arena (by default one per thread) is a
  // series of heaps of at most 64 MB, and a heap that becomes free is unmapped at once: a thread
  // holding a 7 MP PNG's compressed bytes, inflated rows and pixels (11 + 21 + 21 MB) outgrew its
  // heap at every image and paid the page faults again (35 such PNGs on 2 threads: 2.73 s, 1.24 s
  // of it in the kernel; with one arena 2.21 s, 0.65 s). One arena per 8 cores: threads share an
  // arena's lock, but take it a few dozen times per image.
  mallopt(M_ARENA_MAX, int(std::max(1u, std::thread::hardware_concurrency() / 8)));
  reserve_heap_in_huge_pages();
  // Libraries' own stderr lines become warnings of the file they concern (shown with -v).
  thumbflow::capture_library_messages();
  CLI::App app{"thumbflow: fast batch thumbnails of folders and URL lists.", "thumbflow"};
  std::string versions =
      std::string("thumbflow ") + thumbflow::version() + "\n" + thumbflow::library_versions();
  while (!versions.empty() && versions.back() == '\n') versions.pop_back();  // CLI11 adds one
  app.set_version_flag("--version", versions);
  app.require_subcommand(1);
  app.formatter(std::make_shared<Formatter>());  // before the subcommands: they take it over
  app.footer(
      "Examples:\n"
      "  thumbflow run photos/ -o thumbs/            thumbnails, and thumbs/index.html to browse them\n"
      "  thumbflow fetch urls.txt -o thumbs/ --json  a URL list; the summary as JSON on stdout\n"
      "Run 'thumbflow <command> --help' for the options of each command.\n"
      "Exit status: 0 all done, 1 usage or setup error, 2 some items failed, 130 interrupted.");
  std::function<int()> command;
  thumbflow::cli::add_run_command(app, command);
  thumbflow::cli::add_fetch_command(app, command);
  thumbflow::cli::add_gallery_command(app, command);
  thumbflow::cli::add_serve_gallery_command(app, command);
  thumbflow::cli::add_bench_command(app, command);
  thumbflow::cli::add_enqueue_command(app, command);
  thumbflow::cli::add_worker_command(app, command);
  thumbflow::cli::add_status_command(app, command);
  thumbflow::cli::add_requeue_command(app, command);
  // CLI11 would only say that a subcommand is required: with no arguments at all, the help (on
  // stderr: nothing was done, exit status 1).
  if (argc <= 1) {
    std::cerr << app.help();
    return 1;
  }
  if (argv[1][0] != '-') {
    const std::string wanted = argv[1];
    std::string names;
    bool known = false;
    for (const CLI::App* c : app.get_subcommands([](CLI::App*) { return true; })) {
      names += (names.empty() ? "" : ", ") + c->get_name();
      known |= c->get_name() == wanted;
    }
    if (!known) {
      std::cerr << "thumbflow: unknown command '" << wanted << "' (commands: " << names << "; see --help)\n";
      return 1;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::RequiredError& e) {
    std::cerr << "thumbflow: " << missing_positional(app).value_or(e.what()) << " (see --help)\n";
    return 1;
  } catch (const CLI::ParseError& e) {
    std::cerr << "thumbflow: " << e.what() << " (see --help)\n";
    return 1;
  }
  return command();
}
