// The one place that takes a URL apart for a name: sources (safe file names), the gallery (type
// from the extension) and the report (what to show) all ask it.
#pragma once

#include <string_view>

namespace thumbflow::detail {

// The last segment of the path of `url` ("scheme://authority/path?query#fragment"), still
// percent-encoded: query and fragment dropped, trailing slashes ignored. "" when the URL has no
// path ("http://host", "http://host/"). Without "://" the whole text is taken as the path.
std::string_view url_last_segment(std::string_view url);

}  // namespace thumbflow::detail
