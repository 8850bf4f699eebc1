// What of an Imgur API response is kept while it is parsed: the fields the client reads, at most
// kMaxEntries entries, strings cut at kMaxStringBytes. Everything else is skipped by the parser
// without being built, so the memory a response costs is bounded by what is kept, not by what the
// server sent (a 16 MiB page of tiny objects made a 1.2 GB DOM). Internal to imgur_json.cpp, the
// one user of nlohmann_json in the client.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

#include "gallery/imgur_json.hpp"

namespace thumbflow::detail {

// Longest string kept, in bytes: one more than the longest usable link, so that a longer one is
// still too long once cut. Cut on a UTF-8 character boundary.
inline constexpr std::size_t kMaxStringBytes = 2049;
// Deepest nesting parsed; Imgur's is 5.
inline constexpr int kMaxDepth = 64;

// Thrown by the filter when the body is nested deeper than kMaxDepth.
struct TooDeep {};

// The callback of nlohmann::json::parse. One filter per parse.
class ImgurJsonFilter {
 public:
  explicit ImgurJsonFilter(std::size_t max_entries = kMaxEntries) : max_entries_(max_entries) {}
  bool operator()(int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed);

  // Entries past max_entries, left out.
  std::size_t dropped() const { return dropped_; }

 private:
  // What a value is in the envelope; decides which of its members are kept.
  enum class Role { Skip, Root, Data, Entry, Images, Image, Errors, ErrorItem, Error, Leaf };
  struct Frame {
    Role role;
    bool array;
    Role member = Role::Skip;  // of the key just read (objects)
    std::size_t elements = 0;  // read so far (arrays)
  };

  Role element_role(Frame& array);
  static Role member_role(Role object, const std::string& key);

  std::vector<Frame> stack_;
  std::size_t max_entries_, entries_ = 0, dropped_ = 0;
};

}  // namespace thumbflow::detail
