#include "thumbflow/naming.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>

#include "core/text.hpp"
#include "thumbflow/sources.hpp"

namespace thumbflow {
namespace {

std::string lower(std::string_view s) { return detail::ascii_lower(s); }

constexpr std::array<std::string_view, 6> kPlaceholders = {"stem", "ext", "srcext", "w", "h", "size"};

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
                                  std::string(name) + "} (use {stem} {ext} {srcext} {w} {h} {size})");
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
  if (ext == "jpe" || ext == "jfif" || ext == "jif" || ext == "pjpeg" || ext == "pjp") return "jpg";
  // Formats thumbflow reads but does not write: photos (opaque as a rule) become JPEG; GIF, BMP,
  // TIFF and the rest become PNG, which keeps transparency and flat colours exactly.
  if (ext == "heic" || ext == "heif" || ext == "hif" || ext == "avif" || ext == "jxl") return "jpg";
  if (has_raw_extension("x." + ext)) return "jpg";  // camera RAW: a photo
  return "png";
}

namespace {

// --animated with --format same: a GIF's thumbnail is an animated WebP (a still GIF gives a still
// WebP: whether a GIF is animated is known only once it is read, and names are planned before).
bool animated_gif_as_webp(const ThumbnailOptions& options, std::string_view source_ext) {
  return options.animated && options.format == OutputFormat::Same && lower(source_ext) == "gif";
}

}  // namespace

void validate_name_template(std::string_view tpl) {
  if (tpl.empty()) throw std::invalid_argument("name template is empty");
  if (tpl.size() > 255) throw std::invalid_argument("name template is longer than a file name may be (255)");
  if (tpl.find_first_of(std::string_view("/\\\0", 3)) != std::string_view::npos)
    throw std::invalid_argument("name template '" + std::string(tpl) +
                                "': must be a file name, without '/' or '\\'");
  bool has_stem = false;
  // What the name ends with: the output format is told by the extension, so it must be .{ext},
  // .{srcext} (checked per file: a GIF source cannot be written as .gif) or a literal one.
  std::string tail;
  walk_template(
      tpl, [&](std::string_view literal) { tail += literal; },
      [&](std::string_view name) {
        has_stem |= name == "stem";
        tail = name == "ext" || name == "srcext" ? tail + "{" + std::string(name) + "}" : std::string();
      });
  if (!has_stem)
    throw std::invalid_argument("name template '" + std::string(tpl) +
                                "': needs {stem}, or every thumbnail would get the same name");
  const auto dot = tail.rfind('.');
  const std::string ext =
      lower(dot == std::string::npos ? std::string_view{} : std::string_view(tail).substr(dot + 1));
  if (ext != "{ext}" && ext != "{srcext}" && ext != "jpg" && ext != "jpeg" && ext != "png" && ext != "webp")
    throw std::invalid_argument("name template '" + std::string(tpl) +
                                "': must end in .{ext}, .{srcext}, .jpg, .jpeg, .png or .webp, so the output "
                                "format is known");
}

bool names_hold_box(std::string_view tpl) {
  bool size = false, w = false, h = false;
  walk_template(
      tpl, [](std::string_view) {},
      [&](std::string_view name) {
        size |= name == "size";
        w |= name == "w";
        h |= name == "h";
      });
  return size || (w && h);
}

void validate_name_template(std::string_view tpl, const ThumbnailOptions& options) {
  validate_name_template(tpl);
  if (options.sizes.size() > 1 && !names_hold_box(tpl))
    throw std::invalid_argument("name template '" + std::string(tpl) +
                                "': with several sizes it needs {size} (or {w} and {h}), so that each "
                                "size gets its own file");
  // The name's extension decides the format (the encoder goes by it): with --format it must be
  // .{ext} or that format's own, or the thumbnails would quietly come out in another format.
  const auto dot = tpl.rfind('.');
  const std::string ext = lower(dot == std::string_view::npos ? std::string_view{} : tpl.substr(dot + 1));
  if (options.format != OutputFormat::Same && ext != "{ext}" &&
      output_extension(options.format, "") != (ext == "jpeg" ? "jpg" : ext))
    throw std::invalid_argument("name template '" + std::string(tpl) + "' ends in ." + ext +
                                " but the format is " + output_extension(options.format, "") +
                                ": use .{ext}, or the same extension");
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

  const Dimensions box = boxes_of(options).front();
  std::string out(dir);
  walk_template(
      tpl, [&](std::string_view literal) { out += literal; },
      [&](std::string_view name) {
        if (name == "stem")
          out += stem;
        else if (name == "ext")
          out += animated_gif_as_webp(options, srcext) ? "webp" : output_extension(options.format, srcext);
        else if (name == "srcext")
          out += lower(srcext);
        else if (name == "w")
          out += std::to_string(box.width);
        else if (name == "h")
          out += std::to_string(box.height);
        else
          out += size_name(box);
      });
  return out;
}

OutputNameMatcher output_name_matcher(std::string_view tpl) {
  try {
    validate_name_template(tpl);
  } catch (const std::invalid_argument&) {
    return {};
  }
  // Each placeholder becomes a pattern; a repeated {stem} or {srcext} must repeat what it matched
  // (a back-reference, not another free group), and numbers next to each other are one run of
  // digits: free groups side by side would make a failing match try every split of the name.
  std::string pattern;
  std::size_t stem_group = 0, srcext_group = 0, groups = 0;
  std::size_t digits_at = std::string::npos;  // where the pattern of the number just before starts
  walk_template(
      tpl,
      [&](std::string_view literal) {
        for (const char c : literal) {
          if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) pattern += '\\';
          pattern += c;
        }
        if (!literal.empty()) digits_at = std::string::npos;
      },
      [&](std::string_view name) {
        const bool digits = name == "w" || name == "h" || name == "size";
        if (digits && digits_at != std::string::npos) {  // {w}{h}: one run of digits (and x)
          pattern.replace(digits_at, std::string::npos, "[0-9x]+");
          return;
        }
        digits_at = digits ? pattern.size() : std::string::npos;
        if (name == "stem") {
          pattern += stem_group != 0 ? "\\" + std::to_string(stem_group) : "(.+)";
          if (stem_group == 0) stem_group = ++groups;
        } else if (name == "srcext") {
          pattern += srcext_group != 0 ? "\\" + std::to_string(srcext_group) : "([A-Za-z0-9]+)";
          if (srcext_group == 0) srcext_group = ++groups;
        } else if (name == "ext") {
          pattern += "(?:jpg|jpeg|png|webp)";
        } else {
          pattern += name == "size" ? "(?:[0-9]+|[0-9]*x[0-9]*)" : "[0-9]+";
        }
      });
  std::shared_ptr<const std::regex> re;
  try {
    re = std::make_shared<const std::regex>(pattern);
  } catch (const std::regex_error&) {
    return {};
  }
  return [re, stem_group, srcext_group](std::string_view file_name) -> std::optional<NameOrigin> {
    std::smatch m;
    const std::string name(file_name);
    try {
      if (!std::regex_match(name, m, *re)) return std::nullopt;
    } catch (const std::regex_error&) {  // too complex to match: not taken for a thumbnail
      return std::nullopt;
    }
    return NameOrigin{m[stem_group].str(), srcext_group != 0 ? lower(m[srcext_group].str()) : std::string()};
  };
}

std::optional<NameOrigin> origin_of_output_name(std::string_view file_name, std::string_view tpl) {
  const OutputNameMatcher match = output_name_matcher(tpl);
  return match ? match(file_name) : std::nullopt;
}

}  // namespace thumbflow
