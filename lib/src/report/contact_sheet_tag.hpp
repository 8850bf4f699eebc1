#pragma once

namespace thumbflow::detail {

// Content of the contact sheet's <meta name="generator">: how a re-run knows the page is its own
// to replace.
inline constexpr const char* kContactSheetTag = "thumbflow contact sheet";

}  // namespace thumbflow::detail
