// Text from outside (file names, URLs, error messages that quote them) made safe to print on a
// terminal or in a log line. Pure functions: safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace thumbflow {

// `text` with every control character shown as an escape, so that a name can neither start a
// new (forged) log line nor send escape sequences to the terminal: \n \r \t as such, other C0
// characters and DEL as \xHH ("\x1b"), the C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F,
// which some terminals obey like ESC [) as \u0080..\u009f, and every byte that is not part of
// well-formed UTF-8 (a Latin-1 name's 0xE9, a lone 0x9B that an 8-bit terminal takes for CSI) as
// \xHH. Other UTF-8 is kept. A backslash is kept unless `escape_backslash` (then \\, which makes
// the escapes unambiguous; the escapes are for reading, not for parsing back).
std::string printable(std::string_view text, bool escape_backslash = false);

// The length of the well-formed UTF-8 sequence starting at text[i] (1 to 4), or 0 when the byte
// there does not start one (stray continuation byte, overlong form, surrogate, past U+10FFFF,
// cut short). i < text.size().
std::size_t utf8_length_at(std::string_view text, std::size_t i);

// Whether all of `text` is well-formed UTF-8.
bool is_utf8(std::string_view text);

}  // namespace thumbflow
