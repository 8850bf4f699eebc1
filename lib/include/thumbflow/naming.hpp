// Output names from the name template. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "thumbflow/options.hpp"

namespace thumbflow {

// File extension (without dot, lower case) that `format` writes for an input with extension
// `source_ext` ("jpg" for Jpeg, "png", "webp"; Same keeps jpg/jpeg/png/webp and gives "png" for others).
std::string output_extension(OutputFormat format, std::string_view source_ext);

// Checks a name template; throws std::invalid_argument naming the problem (unknown placeholder,
// '/' or '\0' inside, no {stem}, empty).
void validate_name_template(std::string_view name_template);

// The output path relative to the output folder for an item at `relative_path` ("a/b.png").
std::string output_relative_path(std::string_view relative_path, std::string_view name_template,
                                 const ThumbnailOptions& options);

}  // namespace thumbflow
