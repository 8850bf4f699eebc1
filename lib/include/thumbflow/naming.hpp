// Output names from the name template (see BatchOptions::name_template). Pure functions: no state,
// safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

#include "thumbflow/options.hpp"

namespace thumbflow {

// File extension (without dot, lower case) that `format` writes for an input with extension
// `source_ext` (without dot, any case): "jpg" for Jpeg, "png", "webp". Same keeps jpg/jpeg/png/webp
// (lower-cased), gives "jpg" for jpe/jfif and "png" for everything else, "" included. Never throws.
std::string output_extension(OutputFormat format, std::string_view source_ext);

// Checks a name template; returns normally when it is usable. Throws std::invalid_argument with a
// message naming the problem: empty, '/', '\' or '\0' inside, an unclosed '{',
// an unknown placeholder (only {stem} {ext} {srcext} {w} {h}), or no {stem} (every output would
// get the same name). run_batch calls it on BatchOptions::name_template.
void validate_name_template(std::string_view name_template);

// The output path relative to the output folder for an item at `relative_path` ('/'-separated,
// e.g. "a/b.png"): the item's folder part is kept and its file name replaced by the expanded
// template, e.g. "a/b_thumbnail.png" with the default template. {stem} is the name up to its last
// dot (a leading dot does not start an extension), {srcext} the input extension lower-cased, {ext}
// output_extension(options.format, ...), {w} and {h} options.box_width and box_height. Does not
// check for '/' (call validate_name_template first); throws std::invalid_argument on an unclosed
// '{' or an unknown placeholder.
std::string output_relative_path(std::string_view relative_path, std::string_view name_template,
                                 const ThumbnailOptions& options);

}  // namespace thumbflow
