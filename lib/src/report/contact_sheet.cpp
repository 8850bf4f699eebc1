// The HTML contact sheet: one self-contained page (inline CSS, no script) that works from file://.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "report/contact_sheet_tag.hpp"
#include "report/html_text.hpp"
#include "thumbflow/report.hpp"
#include "thumbflow/version.hpp"

namespace thumbflow {
namespace {

using detail::html_escape;

// Cells fit the largest thumbnail (within reason), so a grid of 128x128 thumbnails is as dense as
// one of 64x64 ones is sparse; narrow screens shrink the images instead of scrolling sideways.
constexpr int kMinCell = 96, kMaxCell = 480;

constexpr const char* kStyle = R"css(
:root { color-scheme: light dark; --cell: CELLpx; --pic: PICpx; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 1rem 2rem; }
h1 { font-size: 1.3rem; margin: 1rem 0 .2rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.totals { margin: .2rem 0; }
.totals b.bad { color: #c62828; }
.where { margin: .2rem 0 1rem; opacity: .75; word-break: break-all; }
.grid { display: grid; gap: 12px; grid-template-columns: repeat(auto-fill, minmax(min(var(--cell), 100%), 1fr)); }
figure { margin: 0; padding: 6px; border: 1px solid #8884; border-radius: 6px; min-width: 0; }
.pic { display: flex; align-items: center; justify-content: center; height: var(--pic); }
.pic img { max-width: 100%; max-height: 100%; height: auto; width: auto; }
figcaption { margin-top: 4px; font-size: 12px; text-align: center; }
.name { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 600; }
.meta { display: block; opacity: .75; }
.skipped .meta::after { content: " (up to date)"; }
ul.problems { padding-left: 1.2rem; }
ul.problems li { margin: .2rem 0; overflow-wrap: anywhere; }
ul.problems .reason { opacity: .85; }
)css";

std::string dimensions(Dimensions d) {
  return d.width > 0 ? std::to_string(d.width) + "\u00d7" + std::to_string(d.height) : "?\u00d7?";
}

std::string number(double value, const char* format) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string totals(const Summary& s) {
  std::string t = std::to_string(s.total) + (s.total == 1 ? " image: " : " images: ");
  t += "<b>" + std::to_string(s.done) + "</b> new";
  if (s.skipped) t += ", " + std::to_string(s.skipped) + " up to date";
  if (s.failed) t += ", <b class=\"bad\">" + std::to_string(s.failed) + " failed</b>";
  if (s.cancelled) t += ", " + std::to_string(s.cancelled) + " not done (interrupted)";
  t += " &middot; " + number(s.seconds, "%.2f") + " s";
  if (s.done && s.seconds > 0) t += " &middot; " + number(double(s.done) / s.seconds, "%.1f") + " images/s";
  t += " &middot; " + (s.serial ? std::string("serial") : std::to_string(s.threads) + " threads");
  if (s.bytes_in) t += " &middot; " + detail::human_bytes(s.bytes_in) + " read";
  if (s.bytes_out) t += ", " + detail::human_bytes(s.bytes_out) + " written";
  return t;
}

void add_card(std::string& page, const ItemResult& r, const std::string& dir) {
  const std::string name = html_escape(detail::display_name(r.input));
  page += r.status == ItemStatus::Skipped ? "<figure class=\"skipped\">" : "<figure>";
  page += "<a class=\"pic\" href=\"" + html_escape(detail::link_from(dir, r.input)) + "\">";
  page += "<img src=\"" + html_escape(detail::link_from(dir, r.output)) + "\" alt=\"" + name + "\"";
  if (r.out_size.width > 0)
    page += " width=\"" + std::to_string(r.out_size.width) + "\" height=\"" +
            std::to_string(r.out_size.height) + "\"";
  page += "></a><figcaption><span class=\"name\" title=\"" + html_escape(r.input) + "\">" + name + "</span>";
  // Upright, as the thumbnail above it is shown.
  const bool turned = r.orientation >= 5 && r.orientation <= 8;
  page += "<span class=\"meta\">" +
          dimensions(turned ? Dimensions{r.in_size.height, r.in_size.width} : r.in_size);
  if (r.bytes_in) page += " &middot; " + detail::human_bytes(r.bytes_in);
  page += "</span></figcaption></figure>\n";
}

void add_problems(std::string& page, const std::vector<ItemResult>& items, ItemStatus status,
                  const std::string& title, const std::string& dir) {
  std::string list;
  std::size_t count = 0;
  for (const ItemResult& r : items) {
    if (r.status != status) continue;
    ++count;
    list += "<li><a href=\"" + html_escape(detail::link_from(dir, r.input)) + "\" title=\"" +
            html_escape(r.input) + "\">" + html_escape(detail::display_name(r.input)) + "</a>";
    if (!r.error.empty()) list += ": <span class=\"reason\">" + html_escape(r.error) + "</span>";
    list += "</li>\n";
  }
  if (count == 0) return;
  page += "<section class=\"" + std::string(to_string(status)) + "\"><h2>" + title + " (" +
          std::to_string(count) + ")</h2>\n<ul class=\"problems\">\n" + list + "</ul></section>\n";
}

// Several sizes: the card shows the smallest thumbnail made or up to date (those of unknown size
// after those of known size).
ItemResult smallest_output(const ItemResult& r) {
  ItemResult shown = r;
  const auto rank = [](const OutputResult& o) {
    return o.out_size.width > 0 ? double(o.out_size.width) * o.out_size.height : HUGE_VAL;
  };
  const OutputResult* best = nullptr;
  for (const OutputResult& o : r.outputs)
    if ((o.status == ItemStatus::Done || o.status == ItemStatus::Skipped) &&
        (best == nullptr || rank(o) < rank(*best)))
      best = &o;
  if (best != nullptr) {
    shown.output = best->output;
    shown.out_size = best->out_size;
  }
  return shown;
}

}  // namespace

std::string contact_sheet_html(const BatchReport& report, const std::string& html_dir) {
  const auto shown = [](const ItemResult& r) {
    return (r.status == ItemStatus::Done || r.status == ItemStatus::Skipped) && !r.output.empty();
  };
  int cell = kMinCell, pic = 0;
  for (const ItemResult& r : report.items) {
    if (!shown(r)) continue;
    const Dimensions size = smallest_output(r).out_size;
    cell = std::max(cell, size.width);
    pic = std::max(pic, size.height);
  }
  cell = std::min(cell, kMaxCell);
  pic = std::clamp(pic == 0 ? cell : pic, kMinCell / 2, kMaxCell);

  const std::string where = html_escape(report.summary.output_dir);
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += std::string("<meta name=\"generator\" content=\"") + detail::kContactSheetTag + " " + version() +
          "\">\n";
  page += "<title>Thumbnails in " + where + "</title>\n<style>";
  std::string style = kStyle;
  style.replace(style.find("CELL"), 4, std::to_string(cell + 14));
  style.replace(style.find("PIC"), 3, std::to_string(pic));
  page += style;
  page += "</style>\n</head>\n<body>\n<header>\n<h1>Thumbnails</h1>\n";
  page += "<p class=\"totals\">" + totals(report.summary) + "</p>\n";
  page += "<p class=\"where\">in <code>" + where + "</code>, made by thumbflow " + version() + "</p>\n";
  page += "</header>\n<main class=\"grid\">\n";
  for (const ItemResult& r : report.items)
    if (shown(r)) add_card(page, smallest_output(r), html_dir);
  page += "</main>\n";
  add_problems(page, report.items, ItemStatus::Failed, "Failed", html_dir);
  add_problems(page, report.items, ItemStatus::Cancelled, "Not done (interrupted)", html_dir);
  page += "</body>\n</html>\n";
  return page;
}

}  // namespace thumbflow
