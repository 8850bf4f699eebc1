// Why a local file could not be read, and whether reading it again could help: the one place
// that sorts local read failures, as download_failure_kind (net/curl_common) sorts downloads.
#pragma once

#include <stdexcept>
#include <string>

#include "thumbflow/report.hpp"

namespace thumbflow::detail {

// Thrown by Storage::read. what(): the reason, without the path.
class ReadError : public std::runtime_error {
 public:
  ReadError(const std::string& reason, FailureKind failure) : std::runtime_error(reason), kind(failure) {}
  FailureKind kind;
};

// The kind of a failed open, stat or read by its errno: the file missing, not allowed, a folder
// or a name that cannot be one are Permanent (the same every time); I/O errors, a resource
// running out (EMFILE, ENOMEM), a stale NFS handle and anything not known are Transient.
FailureKind read_failure_kind(int error);

// ReadError("<what>: <strerror>", read_failure_kind(error)).
[[noreturn]] void throw_read_error(const std::string& what, int error);

}  // namespace thumbflow::detail
