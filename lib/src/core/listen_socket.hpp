// Socket options for the HTTP servers thumbflow runs (gallery, metrics).
#pragma once

#include <sys/socket.h>

namespace thumbflow::detail {

// Only SO_REUSEADDR: httplib's default also sets SO_REUSEPORT, which would let a second server
// bind a port another one already serves instead of failing.
inline void reuse_address_only(int sock) {
  int yes = 1;
  ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

}  // namespace thumbflow::detail
