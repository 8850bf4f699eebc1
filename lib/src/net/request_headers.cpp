#include "net/request_headers.hpp"

#include <stdexcept>
#include <string_view>

#include "core/text.hpp"
#include "thumbflow/options.hpp"
#include "thumbflow/printable.hpp"

namespace thumbflow {
namespace {

bool is_token_char(unsigned char c) {
  return std::isalnum(c) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// Control characters end a header line early (CR, LF) or make servers drop the request.
bool has_control(std::string_view text) {
  for (const char ch : text)
    if (const auto c = static_cast<unsigned char>(ch); (c < 0x20 && c != '\t') || c == 0x7f) return true;
  return false;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

void check_request_header(const std::string& header) {
  const auto bad = [&](const std::string& why) {
    return std::invalid_argument("header '" + printable(header) + "': " + why);
  };
  const std::size_t colon = header.find(':');
  if (colon == std::string::npos) throw bad("not 'Name: value'");
  const std::string_view name = std::string_view(header).substr(0, colon);
  if (name.empty()) throw bad("empty name");
  for (const char c : name)
    if (!is_token_char(static_cast<unsigned char>(c)))
      throw bad(c == ' ' || c == '\t' ? "a space in the name" : "the name is not an HTTP token");
  const std::string_view value = std::string_view(header).substr(colon + 1);
  if (has_control(value)) throw bad("a control character (CR, LF, ...) in the value");
  if (trimmed(value).empty()) throw bad("empty value");
  const std::string lower = detail::ascii_lower(name);
  if (lower == "content-length" || lower == "transfer-encoding")
    throw bad("thumbflow sets " + std::string(name) + " itself");
}

void check_user_agent(const std::string& user_agent) {
  if (has_control(user_agent))
    throw std::invalid_argument("user agent '" + printable(user_agent) +
                                "': a control character (CR, LF, ...)");
  if (!user_agent.empty() && trimmed(user_agent).empty()) throw std::invalid_argument("user agent is blank");
}

namespace detail {

std::string normalised_header(const std::string& header) {
  check_request_header(header);
  const std::size_t colon = header.find(':');
  return header.substr(0, colon) + ": " + std::string(trimmed(std::string_view(header).substr(colon + 1)));
}

RequestHeaders::RequestHeaders(const std::string& user_agent, const std::vector<std::string>& headers)
    : user_agent_(user_agent.empty() ? "thumbflow/" THUMBFLOW_VERSION : std::string(trimmed(user_agent))) {
  check_user_agent(user_agent);
  for (const std::string& h : headers) {
    curl_slist* grown = curl_slist_append(list_.get(), normalised_header(h).c_str());
    if (grown == nullptr) throw std::bad_alloc();
    if (!list_) list_.reset(grown);
  }
}

std::vector<std::string> merge_headers(const std::vector<std::string>& ours,
                                       const std::vector<std::string>& extra) {
  const auto name_of = [](const std::string& h) { return ascii_lower(h.substr(0, h.find(':'))); };
  std::vector<std::string> out;
  for (const std::string& h : ours) {
    bool replaced = false;
    for (const std::string& e : extra) replaced |= name_of(e) == name_of(h);
    if (!replaced) out.push_back(h);
  }
  for (const std::string& e : extra) out.push_back(normalised_header(e));
  return out;
}

}  // namespace detail
}  // namespace thumbflow
