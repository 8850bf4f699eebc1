#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "io/storage.hpp"
#include "thumbflow/printable.hpp"
#include "thumbflow/report.hpp"

namespace thumbflow {
namespace {

using nlohmann::json;

// `j[key]` = `name`, and `j[key + "_bytes"]` = its bytes percent-encoded when it is not UTF-8.
void put_name(json& j, const std::string& key, const std::string& name) {
  j[key] = name;
  if (is_utf8(name)) return;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '%' || c < 0x20 || c >= 0x7F)
      encoded += {'%', kHex[c >> 4], kHex[c & 15]};
    else
      encoded += ch;
  }
  j[key + "_bytes"] = std::move(encoded);
}

json size_json(Dimensions d) { return {{"width", d.width}, {"height", d.height}}; }

json crop_json(const CropRect& c) { return {{"x", c.x}, {"y", c.y}, {"w", c.w}, {"h", c.h}}; }

json output_json(const OutputResult& o) {
  json j = {{"box", size_json(o.box)},
            {"status", to_string(o.status)},
            {"out", size_json(o.out_size)},
            {"bytes_out", o.bytes_out}};
  put_name(j, "output", o.output);
  if (o.crop.w > 0) j["crop"] = crop_json(o.crop);
  return j;
}

json item_json(const ItemResult& r) {
  json j = {{"status", to_string(r.status)},
            {"bytes_in", r.bytes_in},
            {"bytes_out", r.bytes_out},
            {"in", size_json(r.in_size)},
            {"out", size_json(r.out_size)},
            {"ms",
             {{"read", r.times.read_ms},
              {"decode", r.times.decode_ms},
              {"resize", r.times.resize_ms},
              {"encode", r.times.encode_ms},
              {"write", r.times.write_ms}}}};
  put_name(j, "input", r.input);
  put_name(j, "output", r.output);
  if (!r.error.empty()) j["error"] = r.error;
  if (r.failure != FailureKind::None) j["failure"] = to_string(r.failure);
  if (!r.warnings.empty()) j["warnings"] = r.warnings;
  if (r.crop.w > 0) j["crop"] = crop_json(r.crop);
  if (!r.outputs.empty()) {
    json outputs = json::array();
    for (const OutputResult& o : r.outputs) outputs.push_back(output_json(o));
    j["outputs"] = std::move(outputs);
    j["decoded"] = size_json(r.decoded);
  }
  if (!r.tag.empty()) j["tag"] = r.tag;
  return j;
}

json summary_json(const Summary& s) {
  json j = {{"total", s.total},
            {"done", s.done},
            {"skipped", s.skipped},
            {"failed", s.failed},
            {"cancelled", s.cancelled},
            {"seconds", s.seconds},
            {"images_per_second", s.seconds > 0 ? double(s.done) / s.seconds : 0.0},
            {"megapixels_per_second", s.seconds > 0 ? s.megapixels_in / s.seconds : 0.0},
            {"bytes_in", s.bytes_in},
            {"bytes_out", s.bytes_out},
            {"megapixels_in", s.megapixels_in},
            {"thumbnails", s.thumbnails},
            {"threads", s.threads},
            {"serial", s.serial},
            {"output_dir", s.output_dir},
            {"temp_files_removed", s.temp_files_removed}};
  if (!s.flush_error.empty()) j["flush_error"] = s.flush_error;
  return j;
}

// Names may hold any bytes; invalid UTF-8 is replaced rather than failing the whole report.
std::string dump(const json& j, int indent) {
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace

const char* to_string(FailureKind kind) {
  switch (kind) {
    case FailureKind::None:
      return "none";
    case FailureKind::Transient:
      return "transient";
    case FailureKind::Permanent:
      return "permanent";
  }
  return "unknown";
}

const char* to_string(ItemStatus status) {
  switch (status) {
    case ItemStatus::Done:
      return "done";
    case ItemStatus::Skipped:
      return "skipped";
    case ItemStatus::Failed:
      return "failed";
    case ItemStatus::Cancelled:
      return "cancelled";
  }
  return "unknown";
}

std::string summary_to_json(const Summary& summary, int indent) {
  return dump(summary_json(summary), indent);
}

std::string report_to_json(const BatchReport& report, int indent) {
  json items = json::array();
  for (const ItemResult& r : report.items) items.push_back(item_json(r));
  return dump({{"summary", summary_json(report.summary)}, {"items", std::move(items)}}, indent);
}

void write_report_file(const BatchReport& report, const std::string& path) {
  const std::string text = report_to_json(report) + "\n";
  try {
    detail::disk_storage().write_atomic(path,
                                        {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot write report " + path + ": " + e.what());
  }
}

}  // namespace thumbflow
