#include "io/read_error.hpp"

#include <cerrno>
#include <cstring>

namespace thumbflow::detail {

FailureKind read_failure_kind(int error) {
  switch (error) {
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
    case EACCES:
    case EPERM:
    case ELOOP:
    case ENAMETOOLONG:
    case ENXIO:
    case ENODEV:
    case EINVAL:
      return FailureKind::Permanent;
    default:  // EIO, EAGAIN, EINTR, ENOMEM, EMFILE, ENFILE, ESTALE, ETIMEDOUT, EBUSY, ...
      return FailureKind::Transient;
  }
}

void throw_read_error(const std::string& what, int error) {
  throw ReadError(what + ": " + std::strerror(error), read_failure_kind(error));
}

}  // namespace thumbflow::detail
