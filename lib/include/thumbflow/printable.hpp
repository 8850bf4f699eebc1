// Text from outside (file names, URLs, error messages that quote them) made safe to print on a
// terminal or in a log line. Pure function: safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace thumbflow {

// `text` with every control character shown as an escape, so that a name can neither start a
// new (forged) log line nor send escape sequences to the terminal: \n \r \t as such, other C0
// characters and DEL as \xHH ("\x1b"), and the C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F,
// which some terminals obey like ESC [) as \u0080..\u009f. Everything else, other UTF-8
// included, is kept; a backslash is kept too (the escapes are for reading, not for parsing back).
std::string printable(std::string_view text);

}  // namespace thumbflow
