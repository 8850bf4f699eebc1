// The bench results as terminal tables, JSON and an SVG chart.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report/html_text.hpp"
#include "thumbflow/bench.hpp"

namespace thumbflow {
namespace {

using nlohmann::json;

std::string fixed(double v, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

std::string pad(const std::string& s, std::size_t width, bool left = false) {
  if (s.size() >= width) return s;
  return left ? s + std::string(width - s.size(), ' ') : std::string(width - s.size(), ' ') + s;
}

void table(std::ostringstream& out, const std::string& title, const std::vector<BenchFigure>& figures) {
  if (figures.empty()) return;
  out << "\n" << title << "\n";
  out << pad("figure", 16, true) << pad("threads", 8) << pad("conns", 6) << pad("median s", 10)
      << pad("min s", 9) << pad("max s", 9) << pad("images/s", 10) << pad("MP/s", 8) << pad("MB/s", 8)
      << pad("spread", 8) << pad("speedup", 9) << pad("effic.", 8) << pad("CPU", 6) << pad("RSS MB", 8)
      << "\n";
  for (const BenchFigure& f : figures)
    out << pad(f.name, 16, true) << pad(std::to_string(f.threads), 8)
        << pad(f.connections ? std::to_string(f.connections) : "-", 6) << pad(fixed(f.median_s, 3), 10)
        << pad(fixed(f.min_s, 3), 9) << pad(fixed(f.max_s, 3), 9) << pad(fixed(f.images_per_s, 1), 10)
        << pad(fixed(f.mp_per_s, 1), 8) << pad(fixed(f.mb_per_s, 1), 8)
        << pad(fixed(f.spread * 100, 0) + "%" + (f.spread > kBenchMaxSpread ? "!" : ""), 8)
        << pad(fixed(f.speedup, 2) + "x", 9) << pad(fixed(f.efficiency * 100, 0) + "%", 8)
        << pad(fixed(f.cpu_cores, 2), 6) << pad(fixed(double(f.peak_rss_kb) / 1024, 0), 8) << "\n";
}

json figure_json(const BenchFigure& f) {
  return {{"name", f.name},           {"description", f.description},
          {"threads", f.threads},     {"connections", f.connections},
          {"serial", f.serial},       {"seconds", f.seconds},
          {"median_s", f.median_s},   {"min_s", f.min_s},
          {"max_s", f.max_s},         {"spread", f.spread},
          {"images", f.images},       {"thumbnails", f.thumbnails},
          {"failed", f.failed},       {"megapixels", f.megapixels},
          {"megabytes", f.megabytes}, {"images_per_s", f.images_per_s},
          {"mp_per_s", f.mp_per_s},   {"mb_per_s", f.mb_per_s},
          {"speedup", f.speedup},     {"efficiency", f.efficiency},
          {"cpu_cores", f.cpu_cores}, {"peak_rss_kb", f.peak_rss_kb}};
}

json figures_json(const std::vector<BenchFigure>& figures) {
  json a = json::array();
  for (const BenchFigure& f : figures) a.push_back(figure_json(f));
  return a;
}

// One panel: speedup (y) against a parameter (x, by position), with the ideal line when given.
void panel(std::ostringstream& svg, double top, const std::string& title, const std::string& x_label,
           const std::vector<BenchFigure>& figures, bool ideal_is_threads) {
  const double left = 70, width = 560, height = 220;
  const std::size_t n = figures.size();
  // Ideal: the one-thread figure times the threads.
  const double base = figures.empty() ? 1 : figures.front().speedup / std::max(1, figures.front().threads);
  double y_max = 1;
  for (const BenchFigure& f : figures)
    y_max = std::max({y_max, f.speedup, ideal_is_threads ? base * f.threads : 0});
  y_max = std::ceil(y_max * 1.1);
  const auto x_at = [&](std::size_t i) {
    return left + (n == 1 ? width / 2 : width * double(i) / double(n - 1));
  };
  const auto y_at = [&](double v) { return top + height - height * v / y_max; };
  svg << "<text x=\"" << left << "\" y=\"" << top - 12 << "\" class=\"title\">" << detail::html_escape(title)
      << "</text>\n";
  svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << width << "\" height=\"" << height
      << "\" class=\"frame\"/>\n";
  const int steps = int(std::min(y_max, 10.0));
  for (int s = 0; s <= steps; ++s) {
    const double v = y_max * s / steps;
    svg << "<line x1=\"" << left << "\" x2=\"" << left + width << "\" y1=\"" << y_at(v) << "\" y2=\""
        << y_at(v) << "\" class=\"grid\"/>\n<text x=\"" << left - 8 << "\" y=\"" << y_at(v) + 4
        << "\" class=\"tick\" text-anchor=\"end\">" << fixed(v, 1) << "x</text>\n";
  }
  std::string measured, ideal;
  for (std::size_t i = 0; i < n; ++i) {
    const BenchFigure& f = figures[i];
    const std::string label = f.name.substr(f.name.find('=') + 1);
    svg << "<text x=\"" << x_at(i) << "\" y=\"" << top + height + 18
        << "\" class=\"tick\" text-anchor=\"middle\">" << detail::html_escape(label) << "</text>\n";
    measured += fixed(x_at(i), 1) + "," + fixed(y_at(f.speedup), 1) + " ";
    ideal += fixed(x_at(i), 1) + "," + fixed(y_at(base * f.threads), 1) + " ";
    svg << "<circle cx=\"" << x_at(i) << "\" cy=\"" << y_at(f.speedup) << "\" r=\"4\" class=\"point\"><title>"
        << detail::html_escape(f.name) << ": " << fixed(f.speedup, 2) << "x, median " << fixed(f.median_s, 3)
        << " s</title></circle>\n<text x=\"" << x_at(i) + 6 << "\" y=\"" << y_at(f.speedup) - 8
        << "\" class=\"value\">" << fixed(f.speedup, 2) << "x</text>\n";
  }
  if (ideal_is_threads) svg << "<polyline points=\"" << ideal << "\" class=\"ideal\"/>\n";
  svg << "<polyline points=\"" << measured << "\" class=\"measured\"/>\n";
  svg << "<text x=\"" << left + width / 2 << "\" y=\"" << top + height + 38
      << "\" class=\"axis\" text-anchor=\"middle\">" << detail::html_escape(x_label) << "</text>\n<text x=\""
      << 18 << "\" y=\"" << top + height / 2 << "\" class=\"axis\" transform=\"rotate(-90 18 "
      << top + height / 2 << ")\" text-anchor=\"middle\">speedup over serial</text>\n";
}

}  // namespace

std::string bench_table(const BenchResult& r) {
  std::ostringstream out;
  const BenchFigure& serial = r.modes.front();
  out << "thumbflow bench: " << r.folder << " (" << serial.images << " images, "
      << fixed(serial.megapixels, 1) << " MP, " << fixed(serial.megabytes, 1) << " MB)"
      << (r.gallery ? ", served by the embedded gallery with " + std::to_string(r.latency_ms) + " ms latency"
                    : "")
      << "\nmachine: " << r.cores << " cores, " << r.cpu_model << "; median of " << r.repeat
      << " runs after a warm-up; spread is (max - min) / min, ! above " << fixed(kBenchMaxSpread * 100, 0)
      << "%; speedup is over serial; CPU is cores busy on average\n";
  table(out, "Modes", r.modes);
  table(out, "Threads sweep", r.thread_sweep);
  table(out, "Connections sweep", r.connection_sweep);
  return out.str();
}

std::vector<std::string> bench_warnings(const BenchResult& r) {
  std::vector<std::string> out;
  const auto percent = [](double v) { return fixed(v * 100, 0) + "%"; };
  std::vector<const BenchFigure*> all;
  for (const auto* list : {&r.modes, &r.thread_sweep, &r.connection_sweep})
    for (const BenchFigure& f : *list) all.push_back(&f);
  for (const BenchFigure* f : all)
    if (f->spread > kBenchMaxSpread)
      out.push_back(f->name + ": its runs differ by " + percent(f->spread) + " (" + fixed(f->min_s, 3) +
                    " to " + fixed(f->max_s, 3) + " s), more than " + percent(kBenchMaxSpread) +
                    ": too noisy to trust; try --repeat 10 on a quiet machine");
  // A folder bench has no downloads: its connection counts mean nothing.
  for (std::size_t i = 0; i < all.size(); ++i)
    for (std::size_t j = i + 1; j < all.size(); ++j) {
      const BenchFigure &a = *all[i], &b = *all[j];
      if (a.serial || b.serial || a.threads != b.threads || (r.gallery && a.connections != b.connections))
        continue;
      const double gap = std::abs(a.median_s - b.median_s) / std::max(1e-9, std::min(a.median_s, b.median_s));
      if (gap > kBenchMaxSpread)
        out.push_back(a.name + " and " + b.name + " are the same configuration but their medians differ by " +
                      percent(gap) + " (" + fixed(a.speedup, 2) + "x vs " + fixed(b.speedup, 2) +
                      "x): the machine's speed changed during the bench");
    }
  // Before the runs only: afterwards it counts the bench's own work.
  if (r.load_before > 0.5 * r.cores)
    out.push_back("the load average was " + fixed(r.load_before, 1) + " on " + std::to_string(r.cores) +
                  " cores (other programs were running): figures are lower and noisier than on a quiet "
                  "machine");
  return out;
}

std::string bench_json(const BenchResult& r) {
  json j = {{"folder", r.folder},
            {"gallery", r.gallery},
            {"latency_ms", r.latency_ms},
            {"repeat", r.repeat},
            {"machine",
             {{"cores", r.cores},
              {"cpu_model", r.cpu_model},
              {"load_before", r.load_before},
              {"load_after", r.load_after}}},
            {"warnings", bench_warnings(r)},
            {"versions", {{"thumbflow", r.thumbflow_version}, {"libraries", r.library_versions}}},
            {"modes", figures_json(r.modes)},
            {"thread_sweep", figures_json(r.thread_sweep)},
            {"connection_sweep", figures_json(r.connection_sweep)}};
  return j.dump(2);
}

std::string bench_svg(const BenchResult& r) {
  const bool connections = !r.connection_sweep.empty();
  const double height = connections ? 680 : 360;
  std::ostringstream svg;
  svg << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"680\" height=\"" << height
      << "\" viewBox=\"0 0 680 " << height << "\" font-family=\"sans-serif\">\n"
      << "<style>.title{font-size:15px;font-weight:bold}.tick{font-size:11px;fill:#444}.axis{font-size:12px}"
         ".value{font-size:11px;fill:#1f5fa8}.frame{fill:#fafafa;stroke:#888}.grid{stroke:#ddd}"
         ".measured{fill:none;stroke:#1f5fa8;stroke-width:2.5}.ideal{fill:none;stroke:#999;stroke-dasharray:"
         "5 4}"
         ".point{fill:#1f5fa8}</style>\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  panel(svg, 50,
        "Speedup vs threads (" + std::to_string(r.cores) + " cores" +
            (r.gallery ? ", " + std::to_string(r.latency_ms) + " ms latency)" : ")") +
            "; dashed: linear from 1 thread",
        "threads", r.thread_sweep, true);
  if (connections)
    panel(svg, 370, "Speedup vs connections (all threads)", "concurrent connections", r.connection_sweep,
          false);
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace thumbflow
