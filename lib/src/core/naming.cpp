#include "thumbflow/naming.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <string>

#include "core/text.hpp"

namespace thumbflow {
namespace {

std::string lower(std::string_view s) { return detail::ascii_lower(s); }

constexpr std::array<std::string_view, 5> kPlaceholders = {"stem", "ext", "srcext", "w", "h"};

// Calls on_literal/on_placeholder for each part of the template; throws on syntax errors.
template <typename Literal, typename Placeholder>
void walk_template(std::string_view tpl, Literal on_literal, Placeholder on_placeholder) {
  std::size_t i = 0;
  while (i < tpl.size()) {
    const auto open = tpl.find('{', i);
    on_literal(tpl.substr(i, open == std::string_view::npos ? std::string_view::npos : open - i));
    if (open == std::string_view::npos) return;
    const auto close = tpl.find('}', open);
    if (close == std::string_view::npos)
      throw std::invalid_argument("name template '" + std::string(tpl) + "': unclosed '{'");
    const auto name = tpl.substr(open + 1, close - open - 1);
    if (std::find(kPlaceholders.begin(), kPlaceholders.end(), name) == kPlaceholders.end())
      throw std::invalid_argument("name template '" + std::string(tpl) + "': unknown placeholder {" +
                                  std::string(name) + "} (use {stem} {ext} {srcext} {w} {h})");
    on_placeholder(name);
    i = close + 1;
  }
}

}  // namespace

std::string output_extension(OutputFormat format, std::string_view source_ext) {
  switch (format) {
    case OutputFormat::Jpeg:
      return "jpg";
    case OutputFormat::Png:
      return "png";
    case OutputFormat::Webp:
      return "webp";
    case OutputFormat::Same:
      break;
  }
  const std::string ext = lower(source_ext);
  if (ext == "jpg" || ext == "jpeg" || ext == "png" || ext == "webp") return ext;
  if (ext == "jpe" || ext == "jfif") return "jpg";
  return "png";
}

void validate_name_template(std::string_view tpl) {
  if (tpl.empty()) throw std::invalid_argument("name template is empty");
  if (tpl.find_first_of(std::string_view("/\\\0", 3)) != std::string_view::npos)
    throw std::invalid_argument("name template '" + std::string(tpl) +
                                "': must be a file name, without '/' or '\\'");
  bool has_stem = false;
  walk_template(
      tpl, [](std::string_view) {}, [&](std::string_view name) { has_stem |= name == "stem"; });
  if (!has_stem)
    throw std::invalid_argument("name template '" + std::string(tpl) +
                                "': needs {stem}, or every thumbnail would get the same name");
}

std::string output_relative_path(std::string_view relative_path, std::string_view tpl,
                                 const ThumbnailOptions& options) {
  const auto slash = relative_path.rfind('/');
  const std::string_view dir =
      slash == std::string_view::npos ? std::string_view{} : relative_path.substr(0, slash + 1);
  const std::string_view file =
      slash == std::string_view::npos ? relative_path : relative_path.substr(slash + 1);
  const auto dot = file.rfind('.');
  const bool has_ext = dot != std::string_view::npos && dot != 0;
  const std::string_view stem = has_ext ? file.substr(0, dot) : file;
  const std::string_view srcext = has_ext ? file.substr(dot + 1) : std::string_view{};

  std::string out(dir);
  walk_template(
      tpl, [&](std::string_view literal) { out += literal; },
      [&](std::string_view name) {
        if (name == "stem")
          out += stem;
        else if (name == "ext")
          out += output_extension(options.format, srcext);
        else if (name == "srcext")
          out += lower(srcext);
        else if (name == "w")
          out += std::to_string(options.box_width);
        else
          out += std::to_string(options.box_height);
      });
  return out;
}

}  // namespace thumbflow
