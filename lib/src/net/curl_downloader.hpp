// A Fetcher on one libcurl multi handle driven by its own event-loop thread.
#pragma once

#include <atomic>
#include <memory>

#include "net/fetcher.hpp"
#include "thumbflow/options.hpp"

namespace thumbflow::detail {

// Runs up to options.connections transfers at once (HTTP/2 multiplexing when offered, keep-alive
// connection reuse and a DNS cache shared by all transfers of the multi handle), retries per
// RetryPolicy, enforces max_bytes, http/https only (also after redirects, at most 5), and checks
// that a successful body is an image by its magic bytes. Callbacks run on the loop thread.
// When *cancel becomes true, or on destruction, transfers in progress and queued are ended and
// their callbacks get FetchResult::cancelled.
class CurlDownloader final : public Fetcher {
 public:
  CurlDownloader(const DownloadOptions& options, const std::atomic<bool>* cancel);
  ~CurlDownloader() override;
  CurlDownloader(const CurlDownloader&) = delete;
  CurlDownloader& operator=(const CurlDownloader&) = delete;

  void fetch(const std::string& url, FetchCallback done) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace thumbflow::detail
