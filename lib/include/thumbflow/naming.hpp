// Output names from the name template (see BatchOptions::name_template). Pure functions: no state,
// safe to call from any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "thumbflow/options.hpp"

namespace thumbflow {

// File extension (without dot, lower case) that `format` writes for an input with extension
// `source_ext` (without dot, any case): "jpg" for Jpeg, "png", "webp". Same keeps jpg/jpeg/png/webp
// (lower-cased), gives "jpg" for jpe/jfif/heic/heif/hif/avif/jxl and "png" for everything else, ""
// included. Never throws.
std::string output_extension(OutputFormat format, std::string_view source_ext);

// Checks a name template; returns normally when it is usable. Throws std::invalid_argument with a
// message naming the problem: empty, '/', '\' or '\0' inside, an unclosed '{',
// an unknown placeholder (only {stem} {ext} {srcext} {w} {h} {size}), or no {stem} (every output
// would get the same name).
void validate_name_template(std::string_view name_template);

// The same, and with several sizes (options.sizes) the template must tell them apart: it must
// hold {size}, or {w} and {h}. run_batch calls it on BatchOptions::name_template.
void validate_name_template(std::string_view name_template, const ThumbnailOptions& options);

// True when the template's names say the whole box ({size}, or {w} and {h}): a thumbnail's name
// then tells which box it was made for. Throws like validate_name_template on a bad template.
bool names_hold_box(std::string_view name_template);

// The output path relative to the output folder for an item at `relative_path` ('/'-separated,
// e.g. "a/b.png"): the item's folder part is kept and its file name replaced by the expanded
// template, e.g. "a/b_thumbnail.png" with the default template. {stem} is the name up to its last
// dot (a leading dot does not start an extension), {srcext} the input extension lower-cased, {ext}
// output_extension(options.format, ...), {w} and {h} the box's sides (0 for an unbounded side),
// {size} size_name(box) ("128", "128x96", "200x"); the box is boxes_of(options).front(). Does not
// check for '/' (call validate_name_template first); throws std::invalid_argument on an unclosed
// '{' or an unknown placeholder.
std::string output_relative_path(std::string_view relative_path, std::string_view name_template,
                                 const ThumbnailOptions& options);

// Where a name that `name_template` gives came from: the source's stem, and its extension (lower
// case) when the template holds {srcext}, else "".
struct NameOrigin {
  std::string stem;
  std::string srcext;
};

// Tells where a file name (no folder part) came from, if it is a name the template gives for some
// source and box, with an extension thumbflow writes for {ext}; else nullopt. Used to tell an
// earlier run's thumbnails from the originals beside them.
using OutputNameMatcher = std::function<std::optional<NameOrigin>(std::string_view file_name)>;

// The matcher of a template, built once (it holds a compiled pattern); empty for a template that
// validate_name_template refuses. No template makes matching blow up: a repeated {stem} or
// {srcext} must repeat its first match, and numbers side by side are one run of digits.
OutputNameMatcher output_name_matcher(std::string_view name_template);

// output_name_matcher(name_template)(file_name), or nullopt for a refused template.
std::optional<NameOrigin> origin_of_output_name(std::string_view file_name, std::string_view name_template);

}  // namespace thumbflow
