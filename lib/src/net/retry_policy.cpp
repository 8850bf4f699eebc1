#include "net/retry_policy.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>

namespace thumbflow::detail {

bool is_retryable_status(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::optional<double> parse_retry_after(const std::string& raw, double now_epoch_s) {
  std::string value = raw;
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.erase(0, 1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (value.size() > 9) return 1e9;  // absurdly large: the cap will apply
    return std::stod(value);
  }
  std::tm tm{};  // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT"
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return std::max(0.0, double(timegm(&tm)) - now_epoch_s);
}

std::optional<double> retry_delay_ms(const TryOutcome& outcome, int next_try, const RetryPolicy& policy,
                                     double unit_random) {
  const bool retryable =
      outcome.transport_error ? outcome.transient_transport : is_retryable_status(outcome.http_status);
  if (!retryable || next_try < 2 || next_try - 1 > policy.retries) return std::nullopt;
  if (outcome.transport_error && outcome.refused && next_try > 2) return std::nullopt;
  const double cap = std::min(policy.backoff_max_ms, policy.backoff_base_ms * std::pow(2.0, next_try - 2));
  double delay = cap * (0.5 + 0.5 * std::clamp(unit_random, 0.0, 1.0));
  if (outcome.retry_after_s)
    delay = std::max(delay, 1000.0 * std::min(*outcome.retry_after_s, policy.retry_after_max_s));
  return delay;
}

}  // namespace thumbflow::detail
