#include "pipeline/run_batch.hpp"

#include <tbb/info.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/sizes.hpp"
#include "crop/crop_plan.hpp"
#include "crop/focus.hpp"
#include "io/recording_storage.hpp"
#include "io/temp_files.hpp"
#include "net/curl_downloader.hpp"
#include "pipeline/plan.hpp"
#include "pipeline/runners.hpp"
#include "pipeline/settings_stamp.hpp"
#include "thumbflow/naming.hpp"

namespace thumbflow::detail {
namespace {

// Larger inputs are refused unread. Far above any photo, well below what would hurt.
constexpr std::uint64_t kMaxInputBytes = 1ull << 30;

void validate(const BatchOptions& o) {
  const ThumbnailOptions& t = o.thumbnail;
  check_sizes(t);
  if (t.quality < 1 || t.quality > 100) throw std::invalid_argument("quality must be 1..100");
  if (o.threads < 0 || o.threads > 1024) throw std::invalid_argument("threads must be 0..1024");
  if (o.max_in_flight < 0 || o.max_in_flight > 4096)
    throw std::invalid_argument("max_in_flight must be 0..4096");
  if (o.output_dir.empty()) throw std::invalid_argument("an output folder is required");
  const DownloadOptions& d = o.download;
  if (d.connections < 1 || d.connections > 1024) throw std::invalid_argument("connections must be 1..1024");
  if (d.per_host < 0 || d.retries < 0 || d.retries > 20 || d.backoff_ms < 0 || d.retry_after_max_s < 0 ||
      d.connect_timeout_s < 1 || d.stall_timeout_s < 1 || d.max_bytes == 0)
    throw std::invalid_argument("invalid download options");
  check_user_agent(d.user_agent);
  for (const std::string& header : d.headers) check_request_header(header);
  validate_name_template(o.name_template, t);
  check_crop_options(t);
  if (t.crop == CropMode::Face) check_face_crop();  // missing: one line, before anything starts
}

void prepare_output_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create output folder " + dir + ": " + ec.message());
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw std::runtime_error("output folder " + dir + " is not writable");
}

Summary summarise(const std::vector<ItemResult>& results, const BatchOptions& options, int threads,
                  double seconds) {
  Summary s;
  s.total = results.size();
  s.seconds = seconds;
  s.threads = threads;
  s.serial = options.serial;
  s.output_dir = options.output_dir;
  for (const ItemResult& r : results) {
    switch (r.status) {
      case ItemStatus::Done:
        ++s.done;
        s.thumbnails +=
            r.outputs.empty()
                ? 1
                : std::size_t(std::count_if(r.outputs.begin(), r.outputs.end(), [](const OutputResult& o) {
                    return o.status == ItemStatus::Done;
                  }));
        s.bytes_in += r.bytes_in;
        s.bytes_out += r.bytes_out;
        s.megapixels_in += double(r.in_size.width) * r.in_size.height / 1e6;
        break;
      case ItemStatus::Skipped:
        ++s.skipped;
        break;
      case ItemStatus::Failed:
        ++s.failed;
        break;
      case ItemStatus::Cancelled:
        ++s.cancelled;
        break;
    }
  }
  return s;
}

// Everything one batch lists and plans. Deques keep addresses stable while the listing grows.
struct Listing {
  std::deque<Item> items;
  std::deque<ItemResult> results;
  std::deque<Job> jobs;
  bool open = true;
  bool complete = true;  // false when the listing stopped on an error
};

// After a run that redid everything: every thumbnail in the folder now has this run's settings,
// unless the run stopped early or an item failed and left its older thumbnail in place.
bool folder_has_only_new_thumbnails(const Listing& listing, bool cancelled, Storage& storage) {
  if (cancelled || !listing.complete) return false;
  const auto left_old_thumbnail = [&](const ItemResult& r) {
    if (r.outputs.empty()) return !r.output.empty() && storage.exists(r.output);
    return std::any_of(r.outputs.begin(), r.outputs.end(), [&](const OutputResult& o) {
      return o.status != ItemStatus::Done && storage.exists(o.output);
    });
  };
  return std::none_of(listing.results.begin(), listing.results.end(), [&](const ItemResult& r) {
    return r.status == ItemStatus::Cancelled || (r.status == ItemStatus::Failed && left_old_thumbnail(r));
  });
}

// The end of a batch makes its own files durable one by one (fsync, several at once) instead of
// flushing the whole file system when the machine holds much more unwritten data than the batch
// wrote: the flush would wait for all of it (other programs' copies, downloads ...). An fsync is
// taken to cost about what writing back 1 MB does.
bool sync_own_files(std::uint64_t unwritten, std::uint64_t ours, std::size_t files) {
  const std::uint64_t others = unwritten > ours ? unwritten - ours : 0;
  return others > std::max<std::uint64_t>(64u << 20, std::uint64_t(files) << 20);
}

// Fsync::Batch: OUT/.thumbflow.unsynced marks a batch whose writes have not been flushed yet.
class UnsyncedMark {
 public:
  // `written`: the storage the batch writes through, which remembers its files.
  UnsyncedMark(const BatchOptions& options, Storage& storage, const RecordingStorage& written)
      : options_(options),
        storage_(storage),
        written_(written),
        path_((std::filesystem::path(options.output_dir) / ".thumbflow.unsynced").string()),
        since_(storage.modified(path_)) {}

  // When an earlier batch that never reached its flush started; thumbnails written since then
  // may be empty or torn on the disk.
  std::optional<std::filesystem::file_time_type> since() const { return since_; }

  // After the settings record: writes the mark, and makes it and the settings record durable
  // (fsync of both and of the folder; not a flush of the whole file system, which would first
  // write back whatever other programs left unwritten there) on a thread of its own, since those
  // fsyncs took 15-40 ms here: the transfers and decodes start meanwhile, and wait_durable() holds
  // the first write until they are done. An earlier mark is kept, so that its time still covers
  // what that batch wrote.
  void begin() {
    if (options_.fsync != Fsync::Batch) return;
    const auto failed = [this](const std::exception& e) {
      return std::runtime_error("cannot write " + path_ + ": " + e.what());
    };
    try {
      if (!since_) {
        static constexpr char kText[] =
            "a thumbflow batch is writing here; its thumbnails are not flushed yet\n";
        storage_.write_atomic(path_, {reinterpret_cast<const std::uint8_t*>(kText), sizeof kText - 1});
      }
    } catch (const std::exception& e) {
      throw failed(e);
    }
    durable_ = std::async(std::launch::async, [this, failed] {
                 try {
                   storage_.sync(
                       {(std::filesystem::path(options_.output_dir) / kSettingsRecordName).string(), path_},
                       {options_.output_dir});
                 } catch (const std::exception& e) {
                   throw failed(e);
                 }
                 sync_in_parent(options_.output_dir);
               }).share();
  }

  // Returns once what begin() made durable is on the disk; throws "cannot write ..." if it could
  // not be. Any thread may call it.
  void wait_durable() const {
    if (durable_.valid()) durable_.get();
  }

  // After the batch (also one that was interrupted): one flush of everything written (Batch).
  // Then the mark goes if what it covers is on the disk: this batch's writes, once flushed, and
  // an earlier batch's only when the whole listing ran (every thumbnail written since that mark
  // was then made again). Off never removes a mark. Returns why the flush failed, or "".
  std::string finish(bool whole_listing) {
    if (options_.fsync == Fsync::Off) return "";
    try {
      if (options_.fsync == Fsync::Batch) {
        const std::string& originals = options_.download.keep_originals_dir;
        const std::vector<std::string> files = written_.written();
        // An earlier unflushed batch's files that this one did not write again are flushed too.
        if (!since_ && sync_own_files(storage_.unwritten_bytes(), written_.bytes_written(), files.size())) {
          std::vector<std::string> roots{options_.output_dir};
          if (!originals.empty()) roots.push_back(originals);
          storage_.sync(files, roots);
          if (!originals.empty()) sync_in_parent(originals);
        } else {
          storage_.flush(options_.output_dir);
          if (!originals.empty()) storage_.flush(originals);
        }
      }
      if (since_ ? whole_listing : options_.fsync == Fsync::Batch) storage_.remove(path_);
    } catch (const std::exception& e) {
      return options_.output_dir + ": " + e.what() + "; the next run makes this batch's thumbnails again";
    }
    return "";
  }

 private:
  // The folder's own entry in its parent (it may have been made by this run), as a flush of the
  // file system would have it; best effort: the parent may not be readable, which is no reason
  // to stop a batch.
  void sync_in_parent(const std::string& folder) {
    try {
      storage_.sync({folder}, {});
    } catch (const std::exception&) {
    }
  }

  const BatchOptions& options_;
  Storage& storage_;
  const RecordingStorage& written_;
  const std::string path_;
  const std::optional<std::filesystem::file_time_type> since_;
  std::shared_future<void> durable_;
};

// Runs the items `next_item` lists. `known`: all items, when they are known up front (run_batch):
// then a thumbnail may not overwrite any of them, and the downloader is made only if one is remote.
BatchReport run_listing(const NextItem& next_item, const std::vector<Item>* known,
                        const BatchOptions& options, Storage& disk, const ItemCallback& on_item) {
  validate(options);
  prepare_output_dir(options.output_dir);
  const auto start = std::chrono::steady_clock::now();
  std::size_t temp_files_removed = remove_abandoned_temp_files(options.output_dir);
  if (!options.download.keep_originals_dir.empty())
    temp_files_removed += remove_abandoned_temp_files(options.download.keep_originals_dir);

  BatchOptions effective = options;
  RecordingStorage storage(disk);  // what the batch writes, for the flush at its end
  UnsyncedMark mark(options, disk, storage);
  const bool existing_trusted = record_settings(options, storage);
  mark.begin();
  storage.hold_writes_on([&mark] { mark.wait_durable(); });
  if (!existing_trusted) effective.skip_existing = false;
  Planner planner(effective, storage, mark.since());
  bool may_download = known == nullptr;
  if (known != nullptr) {
    for (const Item& item : *known) planner.add_known(item);
    may_download =
        std::any_of(known->begin(), known->end(), [](const Item& i) { return is_remote(i.input); });
  }
  // One downloader for the batch; serial runs fetch one at a time.
  std::unique_ptr<CurlDownloader> downloader;
  if (may_download) {
    DownloadOptions download = options.download;
    if (options.serial) download.connections = 1;
    downloader = std::make_unique<CurlDownloader>(download, options.cancel);
  }
  // on_item is called from the lister (items that need no work) and from the report stage.
  std::mutex on_item_mutex;
  const auto report_item = [&](const ItemResult& r) {
    if (!on_item) return;
    const std::lock_guard lock(on_item_mutex);
    on_item(r);
  };
  const auto cancelled = [&options] { return options.cancel != nullptr && options.cancel->load(); };

  Listing listing;
  const NextJob next_job = [&]() -> Job* {
    while (listing.open) {
      std::optional<Item> next;
      try {
        next = next_item();
      } catch (const std::exception& e) {
        next = Item{"(listing)", "", std::string("listing stopped: ") + e.what(), ""};
        listing.open = false;
        listing.complete = false;
      }
      if (!next) break;
      const Item& item = listing.items.emplace_back(std::move(*next));
      ItemResult& r = listing.results.emplace_back();
      if (cancelled()) {
        r.input = item.input;
        r.tag = item.tag;
        r.status = ItemStatus::Cancelled;
        continue;
      }
      bool run = false;
      try {
        run = planner.plan(item, r);
      } catch (const std::exception& e) {
        r.status = ItemStatus::Failed;
        r.failure = FailureKind::Transient;
        r.error = e.what();
      }
      if (!run) {
        report_item(r);
        continue;
      }
      Job& job = listing.jobs.emplace_back();
      job.item = &item;
      job.result = &r;
      job.renditions = renditions_to_make(r, options.thumbnail);
      return &job;
    }
    listing.open = false;
    return nullptr;
  };

  const StageContext ctx{options, storage, kMaxInputBytes, downloader.get()};
  const FinishedCallback on_finished = [&](Job& job) { report_item(*job.result); };
  const int threads = options.serial        ? 1
                      : options.threads > 0 ? options.threads
                                            : tbb::info::default_concurrency();
  if (options.serial) {
    run_serial(next_job, ctx, on_finished);
  } else {
    // Images waiting on the network hold no pixels yet, but they count as in flight (they get a
    // body any moment); so a batch that downloads gets room for every transfer on top of the
    // images being decoded, or the limiter, not --connections, would decide the download rate.
    // Twice the connections: each connection has its next transfer queued when one ends, instead
    // of idling until a thumbnail is finished and frees room (with room for one round only, 64
    // large photos over 16 connections at 100 ms latency took 0.72 s, with two 0.68 s).
    const int in_flight =
        images_in_flight(options.max_in_flight, threads, downloader != nullptr, options.download.connections);
    run_flow_graph(next_job, ctx, threads, in_flight, on_finished);
  }
  mark.wait_durable();  // a batch that wrote nothing learns of a failed fsync here
  if (!existing_trusted && folder_has_only_new_thumbnails(listing, cancelled(), storage))
    record_settings_done(options, storage);
  const std::string flush_error = mark.finish(!cancelled() && listing.complete);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BatchReport report;
  report.items.assign(std::make_move_iterator(listing.results.begin()),
                      std::make_move_iterator(listing.results.end()));
  report.summary = summarise(report.items, options, threads, seconds);
  report.summary.temp_files_removed = temp_files_removed;
  report.summary.flush_error = flush_error;
  return report;
}

}  // namespace

BatchReport run_batch_with(const std::vector<Item>& items, const BatchOptions& options, Storage& storage,
                           const ItemCallback& on_item) {
  std::size_t next = 0;
  const NextItem next_item = [&]() -> std::optional<Item> {
    if (next == items.size()) return std::nullopt;
    return items[next++];
  };
  return run_listing(next_item, &items, options, storage, on_item);
}

int images_in_flight(int max_in_flight, int threads, bool downloads, int connections) {
  if (max_in_flight > 0) return max_in_flight;
  return 2 * threads + (downloads ? 2 * std::max(1, connections) : 0);
}

BatchReport run_stream_with(const NextItem& next, const BatchOptions& options, Storage& storage,
                            const ItemCallback& on_item) {
  return run_listing(next, nullptr, options, storage, on_item);
}

}  // namespace thumbflow::detail

namespace thumbflow {

BatchReport run_batch(const std::vector<Item>& items, const BatchOptions& options,
                      const ItemCallback& on_item) {
  return detail::run_batch_with(items, options, detail::disk_storage(options.fsync == Fsync::Each), on_item);
}

BatchReport run_batch_stream(const NextItem& next, const BatchOptions& options, const ItemCallback& on_item) {
  return detail::run_stream_with(next, options, detail::disk_storage(options.fsync == Fsync::Each), on_item);
}

}  // namespace thumbflow
