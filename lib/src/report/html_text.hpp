// Text helpers for the HTML contact sheet: escaping, link targets, human-readable sizes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace thumbflow::detail {

// `text` with & < > " ' replaced by character references: safe in element content and in quoted
// attribute values.
std::string html_escape(std::string_view text);

// `path` with every byte outside [A-Za-z0-9-._~/] percent-encoded, so it can be a relative URL
// (spaces, '#', '?', '%' and non-ASCII names included).
std::string percent_encode_path(std::string_view path);

// The href (not yet HTML-escaped) for `target` seen from a page in `page_dir`: an http(s) URL as
// is; a local path relative to the page's folder, percent-encoded; file:// + the absolute path when
// no relative path exists.
std::string link_from(const std::string& page_dir, const std::string& target);

// "532 B", "12.4 KB", "3.1 MB", "1.2 GB" (powers of 1000, as file managers show).
std::string human_bytes(std::uint64_t bytes);

// The last path segment of a path or URL (query and fragment of a URL dropped), for display.
std::string display_name(std::string_view input);

}  // namespace thumbflow::detail
