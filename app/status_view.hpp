// What `status` shows of a queue, as lines (the same for one look and for each frame of --watch).
#pragma once

#include <string>
#include <vector>

#include "thumbflow/queue.hpp"

namespace thumbflow::cli {

// The lines of `s` without newlines; `where` names the server. Names and errors from the queue
// are made printable.
std::vector<std::string> status_lines(const QueueStatus& s, const std::string& where);

// "12 s", "4 min 05 s", "2 h 05 min" until the jobs left are done at `rate` per second; "" when
// there is nothing left, "unknown" when nothing finished lately.
std::string eta_text(std::size_t left, double rate);

}  // namespace thumbflow::cli
