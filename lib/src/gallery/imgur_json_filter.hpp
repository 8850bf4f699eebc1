// What of an Imgur API response is kept while it is parsed: the fields the client reads, at most
// kMaxEntries entries, strings cut at kMaxStringBytes. Everything else is skipped by the parser
// without being built, so the memory a response costs is bounded by what is kept, not by what the
// server sent (a 16 MiB page of tiny objects made a 1.2 GB DOM). Internal to imgur_json.cpp, the
// one user of nlohmann_json in the client.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gallery/imgur_json.hpp"

namespace thumbflow::detail {

// Longest string kept, in bytes: one more than the longest usable link, so that a longer one is
// still too long once cut. Cut on a UTF-8 character boundary.
inline constexpr std::size_t kMaxStringBytes = 2049;
// Deepest nesting parsed; Imgur's is 5.
inline constexpr int kMaxDepth = 64;

// Thrown by the reader when the body is nested deeper than kMaxDepth.
struct TooDeep {};

// A SAX handler of nlohmann::json::sax_parse that builds only what is kept. (nlohmann's own
// filtering parser rescans the enclosing array for a discarded value after every skipped object:
// a page of 140k skipped entries cost 3.3 G instructions.) One reader per parse; syntax errors and
// out-of-range numbers are thrown as nlohmann's own exceptions, as json::parse throws them.
class ImgurJsonReader {
 public:
  using json = nlohmann::json;
  explicit ImgurJsonReader(std::size_t max_entries = kMaxEntries) : max_entries_(max_entries) {}

  // The parsed document (what was kept of it), once sax_parse has returned.
  json& document() { return root_; }
  // Entries past max_entries, left out.
  std::size_t dropped() const { return dropped_; }

  bool null() { return scalar(json(nullptr)); }
  bool boolean(bool v) { return scalar(json(v)); }
  bool number_integer(json::number_integer_t v) { return scalar(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return scalar(json(v)); }
  bool number_float(json::number_float_t v, const std::string& /*text*/) { return scalar(json(v)); }
  bool string(std::string& v);
  bool binary(json::binary_t& /*v*/) { return true; }  // not in JSON text
  bool start_object(std::size_t /*elements*/) { return open(false); }
  bool start_array(std::size_t /*elements*/) { return open(true); }
  bool key(std::string& name);
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  template <class Exception>
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const Exception& e) {
    throw e;
  }

 private:
  // What a value is in the envelope; decides which of its members are kept.
  enum class Role { Skip, Root, Data, Entry, Images, Image, Errors, ErrorItem, Error, Leaf };
  struct Frame {
    Role role;
    bool array;
    json* node;                // where its kept members go; nullptr when it is skipped
    Role member = Role::Skip;  // of the key just read (objects)
    std::string key;           // that key, when its value is kept
    std::size_t elements = 0;  // read so far (arrays)
  };

  Role element_role(Frame& array);
  static Role member_role(Role object, const std::string& key);
  // The role of the value that starts now, and the place it is kept (nullptr: skipped).
  json* place(Role& role);
  bool scalar(json&& value);
  bool open(bool array);
  bool close();

  json root_;
  std::vector<Frame> stack_;
  std::size_t max_entries_, entries_ = 0, dropped_ = 0;
};

}  // namespace thumbflow::detail
