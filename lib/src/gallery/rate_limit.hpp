// Imgur's rate-limit headers, and how long to wait so as not to run out. Pure, not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace thumbflow::detail {

class RateLimit {
 public:
  // Takes X-RateLimit-ClientRemaining, X-RateLimit-UserRemaining and X-RateLimit-UserReset (Unix
  // seconds) from a response's headers (names in lower case); values missing or not numbers are
  // left as they were.
  void update(const std::map<std::string, std::string>& headers);

  // Seconds to wait before the next request at `now` (Unix seconds), and why (for the log):
  // none while plenty is left; when few requests are left before the reset, the time to the reset
  // is spread over them; with none left, until the reset. 0 when the headers did not say enough.
  double wait_before_next(double now, std::string* why) const;

  std::optional<long> remaining() const;  // the smaller of the client and user budgets, when known

 private:
  std::optional<long> client_remaining_, user_remaining_;
  std::optional<double> user_reset_;
};

}  // namespace thumbflow::detail
