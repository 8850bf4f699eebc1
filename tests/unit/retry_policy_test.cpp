#include "net/retry_policy.hpp"

#include <gtest/gtest.h>

namespace thumbflow::detail {
namespace {

TryOutcome http(long status, std::optional<double> retry_after = std::nullopt) {
  TryOutcome o;
  o.http_status = status;
  o.retry_after_s = retry_after;
  return o;
}

TEST(RetryPolicy, RetryableStatuses) {
  for (long s : {408, 429, 500, 502, 503, 504}) EXPECT_TRUE(is_retryable_status(s)) << s;
  for (long s : {200, 301, 400, 401, 403, 404, 410, 501, 505}) EXPECT_FALSE(is_retryable_status(s)) << s;
}

TEST(RetryPolicy, OtherClientErrorsFailAtOnce) {
  EXPECT_FALSE(retry_delay_ms(http(404), 2, {}, 0.5));
  EXPECT_FALSE(retry_delay_ms(http(403), 2, {}, 0.5));
}

TEST(RetryPolicy, ExponentialBackoffWithJitterAndCap) {
  RetryPolicy p;
  p.retries = 10;
  p.backoff_base_ms = 100;
  p.backoff_max_ms = 1000;
  EXPECT_DOUBLE_EQ(*retry_delay_ms(http(503), 2, p, 0.0), 50);  // cap 100, jitter to [50, 100]
  EXPECT_DOUBLE_EQ(*retry_delay_ms(http(503), 2, p, 1.0), 100);
  EXPECT_DOUBLE_EQ(*retry_delay_ms(http(503), 3, p, 1.0), 200);
  EXPECT_DOUBLE_EQ(*retry_delay_ms(http(503), 5, p, 1.0), 800);
  EXPECT_DOUBLE_EQ(*retry_delay_ms(http(503), 9, p, 1.0), 1000);  // capped
}

TEST(RetryPolicy, GivesUpAfterTheRetries) {
  RetryPolicy p;
  p.retries = 2;
  EXPECT_TRUE(retry_delay_ms(http(500), 2, p, 0.5));
  EXPECT_TRUE(retry_delay_ms(http(500), 3, p, 0.5));
  EXPECT_FALSE(retry_delay_ms(http(500), 4, p, 0.5));
  p.retries = 0;
  EXPECT_FALSE(retry_delay_ms(http(500), 2, p, 0.5));
}

TEST(RetryPolicy, HonoursRetryAfterWithACap) {
  RetryPolicy p;
  p.backoff_base_ms = 10;
  p.retry_after_max_s = 5;
  EXPECT_DOUBLE_EQ(*retry_delay_ms(http(429, 2.0), 2, p, 0.5), 2000);
  EXPECT_DOUBLE_EQ(*retry_delay_ms(http(429, 3600.0), 2, p, 0.5), 5000);
}

TEST(RetryPolicy, TransportErrors) {
  TryOutcome reset;
  reset.transport_error = true;
  reset.transient_transport = true;
  EXPECT_TRUE(retry_delay_ms(reset, 2, {}, 0.5));
  TryOutcome bad_protocol;
  bad_protocol.transport_error = true;
  EXPECT_FALSE(retry_delay_ms(bad_protocol, 2, {}, 0.5));
}

TEST(RetryPolicy, ARefusedConnectionIsRetriedOnceOnly) {
  TryOutcome refused;
  refused.transport_error = refused.transient_transport = refused.refused = true;
  RetryPolicy p;
  p.retries = 5;
  EXPECT_TRUE(retry_delay_ms(refused, 2, p, 0.5));
  EXPECT_FALSE(retry_delay_ms(refused, 3, p, 0.5));
  p.retries = 0;
  EXPECT_FALSE(retry_delay_ms(refused, 2, p, 0.5));
}

TEST(RetryPolicy, ParsesRetryAfter) {
  EXPECT_DOUBLE_EQ(*parse_retry_after(" 120\r\n", 0), 120);
  EXPECT_DOUBLE_EQ(*parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470), 10);
  EXPECT_DOUBLE_EQ(*parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490), 0);  // in the past
  EXPECT_FALSE(parse_retry_after("soon", 0));
  EXPECT_FALSE(parse_retry_after("", 0));
  EXPECT_FALSE(parse_retry_after("-5", 0));
}

}  // namespace
}  // namespace thumbflow::detail
