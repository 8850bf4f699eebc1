#include "net/curl_common.hpp"

#include <gtest/gtest.h>

namespace thumbflow::detail {
namespace {

// A queue worker dead-letters a Permanent failure at once and retries a Transient one.
TEST(DownloadFailureKind, WhatComesBackOnEveryTryIsPermanent) {
  for (const DownloadEnd end :
       {DownloadEnd::TooLarge, DownloadEnd::Refused, DownloadEnd::TooManyRedirects, DownloadEnd::NotAnImage})
    EXPECT_EQ(download_failure_kind(end), FailureKind::Permanent) << int(end);
  for (const long status : {400L, 401L, 403L, 404L, 410L, 451L})
    EXPECT_EQ(download_failure_kind(DownloadEnd::Response, CURLE_OK, status), FailureKind::Permanent)
        << status;
  for (const CURLcode code : {CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_TOO_MANY_REDIRECTS})
    EXPECT_EQ(download_failure_kind(DownloadEnd::Response, code), FailureKind::Permanent) << int(code);
}

TEST(DownloadFailureKind, ServerTroubleTimeoutsAndUnknownCausesAreTransient) {
  for (const long status : {408L, 429L, 500L, 502L, 503L, 504L, 300L, 0L})
    EXPECT_EQ(download_failure_kind(DownloadEnd::Response, CURLE_OK, status), FailureKind::Transient)
        << status;
  for (const CURLcode code : {CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR,
                              CURLE_COULDNT_RESOLVE_HOST, CURLE_SSL_CONNECT_ERROR, CURLE_WRITE_ERROR})
    EXPECT_EQ(download_failure_kind(DownloadEnd::Response, code, 0), FailureKind::Transient) << int(code);
  EXPECT_EQ(download_failure_kind(DownloadEnd::TimedOut), FailureKind::Transient);
  EXPECT_EQ(download_failure_kind(DownloadEnd::Local), FailureKind::Transient);
}

}  // namespace
}  // namespace thumbflow::detail
