// The network seam: the pipeline asks a Fetcher for bytes and is called back when they arrive,
// so tests can replace the network and the serial baseline can fetch one URL at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "thumbflow/report.hpp"

namespace thumbflow::detail {

struct FetchResult {
  std::vector<std::uint8_t> body;  // complete body on success, empty on failure
  std::string error;               // one line, "" on success: "HTTP 404 after 1 try", ...
  long http_status = 0;            // last HTTP status seen (0 if none)
  int tries = 0;
  bool cancelled = false;  // ended because the batch was cancelled (error says so too)
  // With an error: whether fetching again could help (download_failure_kind decides).
  FailureKind failure = FailureKind::None;
  bool ok() const { return error.empty(); }
};

using FetchCallback = std::function<void(FetchResult)>;

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // Starts fetching `url`; `done` is called exactly once, on any thread, possibly before fetch
  // returns. Thread-safe.
  virtual void fetch(const std::string& url, FetchCallback done) = 0;
};

}  // namespace thumbflow::detail
