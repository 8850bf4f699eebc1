#include "gallery/rate_limit.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace thumbflow::detail {
namespace {

// Below this many requests left, requests are spread over the time to the reset.
constexpr long kLowWater = 10;

std::optional<long> number(const std::map<std::string, std::string>& headers, const std::string& name) {
  const auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  long value = 0;
  const char* end = it->second.data() + it->second.size();
  const auto [ptr, ec] = std::from_chars(it->second.data(), end, value);
  if (ec != std::errc() || ptr != end || value < 0) return std::nullopt;
  return value;
}

std::string seconds_text(double s) { return std::to_string(long(std::ceil(s))) + " s"; }

}  // namespace

void RateLimit::update(const std::map<std::string, std::string>& headers) {
  if (auto v = number(headers, "x-ratelimit-clientremaining")) client_remaining_ = v;
  if (auto v = number(headers, "x-ratelimit-userremaining")) user_remaining_ = v;
  if (auto v = number(headers, "x-ratelimit-userreset")) user_reset_ = double(*v);
}

std::optional<long> RateLimit::remaining() const {
  if (client_remaining_ && user_remaining_) return std::min(*client_remaining_, *user_remaining_);
  return client_remaining_ ? client_remaining_ : user_remaining_;
}

double RateLimit::wait_before_next(double now, std::string* why) const {
  const std::optional<long> left = remaining();
  if (!left || *left >= kLowWater || !user_reset_ || *user_reset_ <= now) return 0;
  const double to_reset = *user_reset_ - now;
  const double wait = *left == 0 ? to_reset : to_reset / double(*left + 1);
  if (why)
    *why = *left == 0 ? "rate limit used up; waiting " + seconds_text(wait) + " for it to reset"
                      : "rate limit nearly used up (" + std::to_string(*left) + " requests left, reset in " +
                            seconds_text(to_reset) + "); waiting " + seconds_text(wait) + " between requests";
  return wait;
}

}  // namespace thumbflow::detail
