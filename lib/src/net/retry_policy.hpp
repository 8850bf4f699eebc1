// When a failed transfer is tried again, and after how long. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>

namespace thumbflow::detail {

struct RetryPolicy {
  int retries = 3;                 // tries after the first; 0 = fail at once
  double backoff_base_ms = 500;    // wait before the 1st retry, doubled for each further one
  double backoff_max_ms = 30'000;  // cap of the exponential wait
  double retry_after_max_s = 60;   // cap of a server's Retry-After
};

// What went wrong with one try: an HTTP status (0 if no response) and a transport failure.
struct TryOutcome {
  long http_status = 0;
  bool transport_error = false;         // curl failed (connect, reset, timeout, ...)
  bool transient_transport = false;     // ... in a way worth retrying (timeouts, resets, refused)
  bool refused = false;                 // ... because nothing listens there: retried once at most
  std::optional<double> retry_after_s;  // parsed Retry-After header, if any
};

// True for statuses worth retrying: 408, 429, 500, 502, 503, 504.
bool is_retryable_status(long status);

// Parses a Retry-After value: delta-seconds or an HTTP-date (relative to now_epoch_s).
// Returns nullopt if it is neither.
std::optional<double> parse_retry_after(const std::string& value, double now_epoch_s);

// Milliseconds to wait before try number `next_try` (2 = first retry), or nullopt to give up.
// Exponential backoff with "equal jitter" (`unit_random` in [0,1) picks the point in [cap/2, cap]),
// never less than the server's Retry-After (capped at retry_after_max_s). A refused connection is
// retried once (a server restarting), not `retries` times: nothing listening rarely starts to.
std::optional<double> retry_delay_ms(const TryOutcome& outcome, int next_try, const RetryPolicy& policy,
                                     double unit_random);

}  // namespace thumbflow::detail
