#include "net/curl_downloader.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>

#include "core/text.hpp"
#include "image/format.hpp"
#include "net/address_guard.hpp"
#include "net/curl_common.hpp"
#include "net/retry_policy.hpp"

namespace thumbflow::detail {
namespace {

using Clock = std::chrono::steady_clock;

// Bytes libcurl reads from a socket at a time: a buffer per transfer handle alive, i.e. per image
// in flight that waits for the network (2 x connections by default: 4 MB at 16 connections).
constexpr long kReadBuffer = 128 * 1024;

std::string tries_text(int tries) {
  return " after " + std::to_string(tries) + (tries == 1 ? " try" : " tries");
}

}  // namespace

struct CurlDownloader::Impl {
  explicit Impl(const DownloadOptions& o)
      : options(o), guard(o.allow_private_addresses, o.trusted_origins), headers(o.user_agent, o.headers) {}

  struct Transfer {
    std::string url;  // as given; the extra headers go only to its scheme, host and port
    int redirects = 0;
    bool redirected = false;  // the next start() follows a redirect: not another try
    FetchCallback done;
    CURL* easy = nullptr;
    std::vector<std::uint8_t> body;
    int tries = 0;
    bool too_big = false;
    std::optional<double> retry_after_s;
    Clock::time_point not_before{};
    std::optional<Clock::time_point> deadline;  // of the whole download, from its first try
    char error_buffer[CURL_ERROR_SIZE] = {};
    GuardedTransfer guarded;
    Impl* owner = nullptr;
  };

  DownloadOptions options;
  AddressGuard guard;
  RequestHeaders headers;
  RetryPolicy policy;
  const std::atomic<bool>* cancel;
  CURLM* multi = nullptr;
  std::mt19937_64 rng{std::random_device{}()};

  std::mutex mutex;  // guards `incoming` and `stopping`
  std::deque<std::unique_ptr<Transfer>> incoming;
  bool stopping = false;

  // Loop-thread state.
  std::deque<std::unique_ptr<Transfer>> ready;
  std::vector<std::unique_ptr<Transfer>> waiting;  // retries, due at not_before
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;
  std::thread thread;

  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t bytes = size * n;
    if (t->body.size() + bytes > t->owner->options.max_bytes) {
      t->too_big = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    if (t->body.empty()) {
      curl_off_t length = -1;
      curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
      if (length > 0)
        t->body.reserve(std::min<std::size_t>(std::size_t(length), t->owner->options.max_bytes));
    }
    t->body.insert(t->body.end(), data, data + bytes);
    return bytes;
  }

  // Remembers the Retry-After of the last response (headers of each redirect hop arrive too).
  static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::string line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) t->retry_after_s.reset();
    constexpr std::string_view key = "retry-after:";
    if (line.size() > key.size()) {
      if (ascii_lower(std::string_view(line).substr(0, key.size())) == key) {
        const double now = double(std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
        t->retry_after_s = parse_retry_after(line.substr(key.size()), now);
      }
    }
    return size * n;
  }

  void configure(Transfer& t) {
    CURL* e = t.easy;
    t.guarded.guard = &guard;
    configure_easy(e, t.url, t.error_buffer, t.guarded, headers);
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, long(options.connect_timeout_s));
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, long(options.stall_timeout_s));
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options.max_bytes));
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_2TLS));
    // Waiting for a connection that may multiplex only pays where HTTP/2 can come (over TLS, by
    // ALPN). On plain http it made a transfer queue behind a busy HTTP/1.1 connection to the same
    // host until that transfer had ended, so transfers started one by one ran one after another.
    if (ascii_lower(std::string_view(t.url).substr(0, 8)) == "https://")
      curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    // Bodies are read 128 KB at a time instead of libcurl's 16 KB (the curl tool asks for 100 KB):
    // 58.6 MB took 3672 reads and write callbacks (curl: 661), and the loop thread, sharing the
    // cores with the decoders, sent each connection's next request later. 64 photos of 3000x2000
    // over 16 connections, 100 ms per request: 589 -> 568 ms (medians of 15, alternating).
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, kReadBuffer);
  }

  void start(std::unique_ptr<Transfer> t) {
    if (t->easy == nullptr) {
      t->easy = curl_easy_init();
      if (t->easy == nullptr)
        return finish(std::move(t), "cannot create a transfer (out of memory)", 0, DownloadEnd::Local);
      configure(*t);
    }
    if (!std::exchange(t->redirected, false)) ++t->tries;
    if (options.timeout_s > 0) {
      const auto now = Clock::now();
      if (!t->deadline) t->deadline = now + std::chrono::seconds(options.timeout_s);
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*t->deadline - now).count();
      if (left <= 0) {
        std::string error = timed_out(t->tries);
        return finish(std::move(t), std::move(error), 0, DownloadEnd::TimedOut);
      }
      curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, long(left));
    }
    t->body.clear();
    t->too_big = false;
    t->retry_after_s.reset();
    t->error_buffer[0] = '\0';
    t->guarded.refused.clear();
    if (curl_multi_add_handle(multi, t->easy) != CURLM_OK)
      return finish(std::move(t), "cannot start the transfer", 0, DownloadEnd::Local);
    CURL* key = t->easy;
    active.emplace(key, std::move(t));
  }

  // Ends `t`: with its body when `error` is "", else failed (`end` and `code` say how, for
  // download_failure_kind) or cancelled.
  void finish(std::unique_ptr<Transfer> t, std::string error, long status, DownloadEnd end,
              CURLcode code = CURLE_OK, bool cancelled = false) {
    FetchResult result;
    result.error = std::move(error);
    result.http_status = status;
    result.tries = t->tries;
    result.cancelled = cancelled;
    if (!result.error.empty()) result.failure = download_failure_kind(end, code, status);
    if (result.error.empty()) result.body = std::move(t->body);
    if (t->easy != nullptr) curl_easy_cleanup(t->easy);
    t->easy = nullptr;
    FetchCallback done = std::move(t->done);
    t.reset();
    done(std::move(result));
  }

  // Classifies a finished try: success, retry later, or failure.
  void completed(CURL* easy, CURLcode code) {
    auto it = active.find(easy);
    if (it == active.end()) return;
    std::unique_ptr<Transfer> t = std::move(it->second);
    active.erase(it);
    curl_multi_remove_handle(multi, easy);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);

    if (t->too_big || code == CURLE_FILESIZE_EXCEEDED)
      return finish(std::move(t),
                    "body larger than --max-bytes (" + std::to_string(options.max_bytes) + " bytes)", status,
                    DownloadEnd::TooLarge);
    TransferFailure failure;
    if (code != CURLE_OK) {
      const bool past_deadline = t->deadline && Clock::now() + kTimerSlack >= *t->deadline;
      failure = transfer_failure(easy, code, t->error_buffer, t->guarded, limits(), past_deadline);
      // A refused address or scheme is refused again on every try, and time does not come back:
      // no retry, and no count of tries.
      if (!t->guarded.refused.empty() || code == CURLE_UNSUPPORTED_PROTOCOL)
        return finish(std::move(t), std::move(failure.reason), status, DownloadEnd::Refused);
      if (past_deadline && code == CURLE_OPERATION_TIMEDOUT) {
        std::string error = timed_out(t->tries);
        return finish(std::move(t), std::move(error), status, DownloadEnd::TimedOut);
      }
    }
    if (std::string next = code == CURLE_OK ? redirect_location(easy, status) : ""; !next.empty()) {
      if (t->redirects == kMaxRedirects)
        return finish(std::move(t), "more than " + std::to_string(kMaxRedirects) + " redirects", status,
                      DownloadEnd::TooManyRedirects);
      ++t->redirects;
      t->redirected = true;
      aim_redirect(easy, next, t->url, headers);
      ready.push_front(std::move(t));
      return;
    }
    if (code == CURLE_OK && status >= 200 && status < 300) {
      const ImageFormat format = sniff_format(t->body);
      if (format == ImageFormat::Unknown) {
        char* type = nullptr;
        curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type);
        return finish(
            std::move(t),
            "not an image (HTTP " + std::to_string(status) + ", " +
                (type != nullptr ? std::string("Content-Type ") + type : std::string("no Content-Type")) +
                ")",
            status, DownloadEnd::NotAnImage);
      }
      return finish(std::move(t), "", status, DownloadEnd::Response);
    }

    TryOutcome outcome;
    outcome.http_status = code == CURLE_OK ? status : 0;
    outcome.transport_error = code != CURLE_OK;
    outcome.transient_transport = failure.transient;
    outcome.refused = code == CURLE_COULDNT_CONNECT;
    outcome.retry_after_s = t->retry_after_s;
    const std::string reason = code == CURLE_OK ? "HTTP " + std::to_string(status) : failure.reason;
    const auto delay =
        retry_delay_ms(outcome, t->tries + 1, policy, std::uniform_real_distribution<double>(0, 1)(rng));
    // The message is made before the call: the order in which arguments are evaluated is
    // unspecified, and clang moves `t` out before reading t->tries in one expression.
    if (!delay) {
      std::string error = reason + tries_text(t->tries);
      return finish(std::move(t), std::move(error), status, DownloadEnd::Response, code);
    }
    t->not_before = Clock::now() + std::chrono::microseconds(static_cast<long long>(*delay * 1000));
    if (t->deadline && t->not_before >= *t->deadline) {  // no time left for another try
      std::string error = reason + tries_text(t->tries);
      return finish(std::move(t), std::move(error), status, DownloadEnd::Response, code);
    }
    waiting.push_back(std::move(t));
  }

  TransferLimits limits() const {
    return {options.connect_timeout_s, options.stall_timeout_s, std::max(0, options.timeout_s)};
  }

  // The download ran out of --timeout (all its tries and redirects together).
  std::string timed_out(int tries) const {
    return timed_out_after(options.timeout_s) + (tries > 1 ? " (" + std::to_string(tries) + " tries)" : "");
  }

  bool cancelled() const { return cancel != nullptr && cancel->load(); }

  void fail_everything(const std::string& why) {
    for (auto& [easy, t] : active) curl_multi_remove_handle(multi, easy);
    std::vector<std::unique_ptr<Transfer>> all;
    for (auto& [easy, t] : active) all.push_back(std::move(t));
    active.clear();
    for (auto& t : ready) all.push_back(std::move(t));
    ready.clear();
    for (auto& t : waiting) all.push_back(std::move(t));
    waiting.clear();
    for (auto& t : all) finish(std::move(t), why, 0, DownloadEnd::Local, CURLE_OK, true);
  }

  void loop() {
    while (true) {
      bool stop = false;
      {
        std::lock_guard lock(mutex);
        for (auto& t : incoming) ready.push_back(std::move(t));
        incoming.clear();
        stop = stopping;
      }
      if (stop || cancelled()) {
        fail_everything("cancelled");
        if (stop) return;
      }
      const auto now = Clock::now();
      for (auto it = waiting.begin(); it != waiting.end();) {
        if ((*it)->not_before <= now) {
          ready.push_back(std::move(*it));
          it = waiting.erase(it);
        } else {
          ++it;
        }
      }
      while (!ready.empty() && int(active.size()) < options.connections) {
        std::unique_ptr<Transfer> t = std::move(ready.front());
        ready.pop_front();
        start(std::move(t));
      }
      int running = 0;
      curl_multi_perform(multi, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &left))
        if (msg->msg == CURLMSG_DONE) completed(msg->easy_handle, msg->data.result);
      // Sleep until socket activity, a wakeup (new work, stop), the next retry, or 200 ms (to
      // notice `cancel`, which a signal handler may set without waking us).
      int timeout_ms = 200;
      for (const auto& t : waiting) {
        const auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(t->not_before - Clock::now()).count();
        timeout_ms = int(std::clamp<long long>(wait, 0, timeout_ms));
      }
      if (!ready.empty() && int(active.size()) < options.connections) timeout_ms = 0;
      curl_multi_poll(multi, nullptr, 0, timeout_ms, nullptr);
    }
  }
};

CurlDownloader::CurlDownloader(const DownloadOptions& options, const std::atomic<bool>* cancel)
    : impl_(std::make_unique<Impl>(options)) {
  curl_global_init_once();
  impl_->options.connections = std::clamp(options.connections, 1, 1024);
  impl_->policy.retries = options.retries;
  impl_->policy.backoff_base_ms = options.backoff_ms;
  impl_->policy.retry_after_max_s = options.retry_after_max_s;
  impl_->cancel = cancel;
  impl_->multi = curl_multi_init();
  if (impl_->multi == nullptr) throw std::runtime_error("cannot create a libcurl multi handle");
  curl_multi_setopt(impl_->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, long(impl_->options.connections));
  curl_multi_setopt(impl_->multi, CURLMOPT_MAX_HOST_CONNECTIONS, long(std::max(0, options.per_host)));
  curl_multi_setopt(impl_->multi, CURLMOPT_PIPELINING, long(CURLPIPE_MULTIPLEX));
  impl_->thread = std::thread([impl = impl_.get()] { impl->loop(); });
}

CurlDownloader::~CurlDownloader() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  curl_multi_wakeup(impl_->multi);
  impl_->thread.join();
  curl_multi_cleanup(impl_->multi);
}

void CurlDownloader::fetch(const std::string& url, FetchCallback done) {
  auto t = std::make_unique<Impl::Transfer>();
  t->url = url;
  t->done = std::move(done);
  t->owner = impl_.get();
  {
    std::lock_guard lock(impl_->mutex);
    impl_->incoming.push_back(std::move(t));
  }
  curl_multi_wakeup(impl_->multi);
}

}  // namespace thumbflow::detail
