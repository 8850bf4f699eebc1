// The gallery source: pages of an Imgur-compatible API listed as run_batch_stream asks for items.
#include <curl/curl.h>

#include <chrono>
#include <deque>
#include <memory>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_set>

#include "core/safe_path.hpp"
#include "core/text.hpp"
#include "gallery/imgur_json.hpp"
#include "gallery/rate_limit.hpp"
#include "net/address_guard.hpp"
#include "net/http_get.hpp"
#include "net/request_headers.hpp"
#include "net/retry_policy.hpp"
#include "thumbflow/gallery.hpp"

namespace thumbflow {
namespace {

using detail::GalleryError;
using detail::GalleryImage;
using detail::HttpResponse;

constexpr const char* kLocalClientId = "thumbflow-local";
constexpr std::size_t kNamedSkips = 20;  // unusable entries named per page or album
constexpr const char* kRedirectHint =
    " (the API may redirect to its own host and port or to public addresses)";

bool one_of(const std::string& value, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed)
    if (value == a) return true;
  return false;
}

// The host of an http(s) URL, lower case; throws std::invalid_argument for anything else.
std::string api_host(const std::string& api) {
  const std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), &curl_url_cleanup);
  char* scheme = nullptr;
  char* host = nullptr;
  if (!url || curl_url_set(url.get(), CURLUPART_URL, api.c_str(), 0) != CURLUE_OK ||
      curl_url_get(url.get(), CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
      curl_url_get(url.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK)
    throw std::invalid_argument("--api '" + api + "' is not a URL");
  const std::string s = detail::ascii_lower(scheme), h = detail::ascii_lower(host);
  curl_free(scheme);
  curl_free(host);
  if (s != "http" && s != "https") throw std::invalid_argument("--api '" + api + "' is not an http(s) URL");
  return h;
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "[::1]" || host == "::1" || host.starts_with("127.");
}

std::string extension_for(const GalleryImage& image) {
  static const std::pair<const char*, const char*> kByType[] = {
      {"image/jpeg", "jpg"},  {"image/png", "png"},  {"image/webp", "webp"}, {"image/gif", "gif"},
      {"image/bmp", "bmp"},   {"image/tiff", "tif"}, {"image/heic", "heic"}, {"image/heif", "heif"},
      {"image/avif", "avif"}, {"image/jxl", "jxl"}};
  for (const auto& [type, ext] : kByType)
    if (image.type == type) return ext;
  const std::string name = safe_name_from_url(image.link);
  const std::size_t dot = name.rfind('.');
  return dot == std::string::npos || dot + 1 == name.size() ? "img"
                                                            : detail::ascii_lower(name.substr(dot + 1));
}

// "8 MiB" for whole MiB, else "N bytes".
std::string size_text(std::size_t bytes) {
  return bytes % (1 << 20) == 0 ? std::to_string(bytes >> 20) + " MiB" : std::to_string(bytes) + " bytes";
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class Lister {
 public:
  Lister(const GalleryOptions& o, const std::atomic<bool>* cancel, GalleryLog log,
         std::function<void(const GalleryEntry&)> on_entry)
      : o_(o),
        cancel_(cancel),
        log_(std::move(log)),
        on_entry_(std::move(on_entry)),
        guard_(o.allow_private_addresses, {o.api}, detail::environment_proxies(), kRedirectHint) {
    const std::string id = o.client_id.empty() ? kLocalClientId : o.client_id;
    headers_ =
        detail::merge_headers({"Authorization: Client-ID " + id, "Accept: application/json"}, o.headers);
    filter_.types = o.types;
    filter_.allow_animated = o.allow_animated;
    filter_.nsfw = o.allow_nsfw ? detail::GalleryFilter::Allow : detail::GalleryFilter::Skip;
    filter_.min_bytes = o.min_bytes;
    filter_.max_bytes = o.max_bytes;
    policy_.retries = o.retries;
    policy_.backoff_base_ms = o.backoff_ms;
    policy_.retry_after_max_s = o.max_wait_s;
    policy_.backoff_max_ms = o.max_wait_s * 1000.0;
    limits_.max_bytes = o.max_response_bytes;
    limits_.max_entries = o.max_entries;
  }

  std::optional<Item> next() {
    while (ready_.empty() && !finished_ && !cancelled()) list_next_page();
    if (ready_.empty() || cancelled()) {
      if (!summarised_) summarise();
      return std::nullopt;
    }
    Item item = std::move(ready_.front());
    ready_.pop_front();
    return item;
  }

 private:
  bool cancelled() const { return cancel_ != nullptr && cancel_->load(); }
  void say(const std::string& line) const {
    if (log_) log_(line);
  }

  // Sleeps up to `seconds`, waking early on cancel. False if cancelled.
  bool sleep_for(double seconds) const {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point until =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    for (Clock::time_point now = Clock::now(); now < until; now = Clock::now()) {
      if (cancelled()) return false;
      std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(100), until - now));
    }
    return !cancelled();
  }

  // GETs an API URL with rate-limit pacing and retries. Returns the response to parse, or throws
  // GalleryError (status 0 for transport failures) when it fails for good.
  HttpResponse get(const std::string& what, const std::string& url) {
    for (int attempt = 1;; ++attempt) {
      std::string why;
      const double pace = rate_.wait_before_next(unix_now(), &why);
      if (pace > o_.max_wait_s)
        throw GalleryError(why + ", longer than --max-wait " + std::to_string(o_.max_wait_s) + " s", 429);
      if (pace > 0) {
        say(what + ": " + why);
        if (!sleep_for(pace)) throw GalleryError("cancelled", 0);
      }
      HttpResponse r =
          detail::http_get(url, headers_, o_.user_agent, o_.timeout_s, limits_.max_bytes, cancel_, &guard_);
      rate_.update(r.headers);
      if (cancelled()) throw GalleryError("cancelled", 0);
      if (r.too_big)
        throw GalleryError((what.starts_with("page") ? "gallery page" : "album listing") +
                               std::string(" is larger than ") + size_text(limits_.max_bytes),
                           0);
      detail::TryOutcome outcome;
      outcome.http_status = r.status;
      outcome.transport_error = !r.error.empty();
      outcome.transient_transport = r.transient;
      if (const auto it = r.headers.find("retry-after"); it != r.headers.end())
        outcome.retry_after_s = detail::parse_retry_after(it->second, unix_now());
      // Imgur answers "over capacity" with 403 or 500 bodies that say so.
      const bool over_capacity = (r.status == 403 || r.status == 500) &&
                                 detail::ascii_lower(r.body).find("over capacity") != std::string::npos;
      if (over_capacity) outcome.http_status = 503;
      const bool retryable =
          outcome.transport_error ? r.transient : detail::is_retryable_status(outcome.http_status);
      if (!retryable) {
        if (outcome.transport_error) throw GalleryError(r.error + tries(attempt), 0);
        return r;
      }
      const std::string failure = outcome.transport_error ? r.error
                                  : over_capacity ? "HTTP " + std::to_string(r.status) + " (over capacity)"
                                                  : "HTTP " + std::to_string(r.status);
      const std::optional<double> delay_ms =
          detail::retry_delay_ms(outcome, attempt + 1, policy_, std::uniform_real_distribution<>(0, 1)(rng_));
      if (!delay_ms) {
        if (outcome.transport_error) throw GalleryError(failure + tries(attempt), 0);
        return r;  // the parser turns the last error response into a clear message
      }
      if (*delay_ms > o_.max_wait_s * 1000.0)
        throw GalleryError(failure + tries(attempt) + "; the server asks to wait longer than --max-wait",
                           429);
      say(what + ": " + failure + ", waiting " + std::to_string(long(*delay_ms)) + " ms before try " +
          std::to_string(attempt + 1) + " of " + std::to_string(o_.retries + 1));
      if (!sleep_for(*delay_ms / 1000.0)) throw GalleryError("cancelled", 0);
    }
  }

  static std::string tries(int n) { return " after " + std::to_string(n) + (n == 1 ? " try" : " tries"); }

  // A page or album that failed for good: one failed item naming it.
  void fail(const std::string& what, const std::string& url, const GalleryError& e) {
    if (std::string(e.what()) == "cancelled") return;
    ready_.push_back(Item{url, "", what + ": " + e.what(), ""});
    ++failures_;
    // Every further page would be refused too.
    if (e.status() == 401 || e.status() == 403) {
      ready_.back().error += " (check --client-id / IMGUR_CLIENT_ID)";
      finished_ = true;
    }
  }

  void add(const GalleryImage& image, const std::string& album) {
    if (finished_) return;
    std::string why;
    if (!detail::accept(image, filter_, &why)) {
      ++filtered_[why];
      return;
    }
    if (!seen_.insert(image.id).second) return;
    if (on_entry_)
      on_entry_(
          {image.id, image.title, image.type, image.link, image.size, image.width, image.height, album});
    const std::string name = image.id + "." + extension_for(image);  // ids come from the remote gallery
    ready_.push_back(Item{image.link, name, detail::unsafe_path_error(name), image.id});
    if (o_.limit > 0 && ++listed_ >= o_.limit) finished_ = true;
  }

  // Entries of a page or album that cannot be used: each named with its reason, one line each, up
  // to kNamedSkips (a hostile page may hold thousands), then one line for the rest.
  void name_skipped(const std::string& what, const std::vector<detail::SkippedEntry>& skipped) {
    for (std::size_t i = 0; i < skipped.size(); ++i) {
      if (i == kNamedSkips) {
        say(what + ": " + std::to_string(skipped.size() - i) + " more entries left out");
        break;
      }
      say(what + ": entry " + skipped[i].id + " left out: " + skipped[i].reason);
    }
    unusable_ += skipped.size();
  }

  void list_next_page() {
    if (page_ >= o_.pages) {
      finished_ = true;
      return;
    }
    const int page = page_++;
    const std::string what = "page " + std::to_string(page);
    const std::string url =
        o_.api + "/3/gallery/" + o_.section + "/" + o_.sort + "/" + o_.window + "/" + std::to_string(page);
    detail::GalleryPage parsed;
    try {
      const HttpResponse r = get(what, url);
      parsed = detail::parse_gallery_page(r.body, r.status, r.content_type, limits_);
    } catch (const GalleryError& e) {
      fail(what, url, e);
      return;
    }
    if (parsed.empty) {
      finished_ = true;
      return;
    }
    name_skipped(what, parsed.skipped);
    for (const GalleryImage& image : parsed.images) add(image, "");
    for (const detail::AlbumRef& album : parsed.albums) {
      if (finished_ || cancelled()) break;
      const std::string album_what = "album " + album.id;
      const std::string album_url = o_.api + "/3/album/" + album.id + "/images";
      std::vector<detail::SkippedEntry> skipped;
      try {
        const HttpResponse r = get(album_what, album_url);
        for (const GalleryImage& image :
             detail::parse_album_images(r.body, r.status, r.content_type, album.nsfw, &skipped, limits_))
          add(image, album.id);
      } catch (const GalleryError& e) {
        fail(album_what, album_url, e);
      }
      name_skipped(album_what, skipped);
    }
  }

  void summarise() {
    summarised_ = true;
    std::string line = "gallery: " + std::to_string(seen_.size()) + " images listed from " +
                       std::to_string(page_) + (page_ == 1 ? " page" : " pages");
    std::size_t filtered = 0;
    std::string reasons;
    for (const auto& [why, n] : filtered_) {
      filtered += n;
      reasons += (reasons.empty() ? "" : ", ") + std::to_string(n) + " " + why;
    }
    if (filtered > 0) line += "; " + std::to_string(filtered) + " left out by the filters (" + reasons + ")";
    if (unusable_ > 0) line += "; " + std::to_string(unusable_) + " unusable entries left out (named above)";
    if (failures_ > 0) line += "; " + std::to_string(failures_) + " pages or albums failed";
    say(line);
  }

  GalleryOptions o_;
  const std::atomic<bool>* cancel_;
  GalleryLog log_;
  std::function<void(const GalleryEntry&)> on_entry_;
  std::vector<std::string> headers_;  // Authorization, Accept and the user's extra headers
  // The API's own host and port are trusted (the user named them); a redirect elsewhere is judged
  // as a listed image link is, on the address actually connected.
  detail::AddressGuard guard_;
  detail::GalleryFilter filter_;
  detail::RetryPolicy policy_;
  detail::ResponseLimits limits_;
  detail::RateLimit rate_;
  std::mt19937 rng_{std::random_device{}()};
  std::deque<Item> ready_;
  std::unordered_set<std::string> seen_;
  std::map<std::string, std::size_t> filtered_;
  std::size_t listed_ = 0, unusable_ = 0, failures_ = 0;
  int page_ = 0;
  bool finished_ = false, summarised_ = false;
};

}  // namespace

void validate_gallery_options(const GalleryOptions& o) {
  const std::string host = api_host(o.api);
  if (o.client_id.empty() && !is_loopback(host))
    throw std::invalid_argument(
        "the Imgur API needs a client id: register an application at https://api.imgur.com/oauth2/addclient "
        "(no callback needed), then pass --client-id ID or set IMGUR_CLIENT_ID");
  if (!one_of(o.section, {"hot", "top", "user"}))
    throw std::invalid_argument("section must be hot, top or user, not '" + o.section + "'");
  if (!one_of(o.sort, {"viral", "top", "time", "rising"}))
    throw std::invalid_argument("sort must be viral, top, time or rising, not '" + o.sort + "'");
  if (!one_of(o.window, {"day", "week", "month", "year", "all"}))
    throw std::invalid_argument("window must be day, week, month, year or all, not '" + o.window + "'");
  if (o.pages < 1 || o.pages > 100000) throw std::invalid_argument("pages must be 1..100000");
  if (o.max_response_bytes < 1024 || o.max_response_bytes > (std::size_t{1} << 30))
    throw std::invalid_argument("largest API response must be 1 KiB..1 GiB");
  if (o.max_entries < 1 || o.max_entries > 1'000'000)
    throw std::invalid_argument("entries kept per API response must be 1..1000000");
  if (o.retries < 0 || o.retries > 20) throw std::invalid_argument("retries must be 0..20");
  if (o.backoff_ms < 0 || o.max_wait_s < 0 || o.timeout_s < 1)
    throw std::invalid_argument("invalid gallery wait or timeout");
  check_user_agent(o.user_agent);
  for (const std::string& header : o.headers) check_request_header(header);
}

NextItem gallery_source(const GalleryOptions& options, const std::atomic<bool>* cancel, GalleryLog log,
                        std::function<void(const GalleryEntry&)> on_entry) {
  validate_gallery_options(options);
  GalleryOptions o = options;
  while (!o.api.empty() && o.api.back() == '/') o.api.pop_back();
  auto lister = std::make_shared<Lister>(o, cancel, std::move(log), std::move(on_entry));
  return [lister] { return lister->next(); };
}

}  // namespace thumbflow
