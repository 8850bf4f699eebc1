#include "gallery/imgur_json_filter.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

namespace thumbflow::detail {
namespace {

using Event = nlohmann::json::parse_event_t;

// What parse_gallery_page and parse_album_images read of an image, and of a gallery entry besides.
constexpr std::array<std::string_view, 10> kImageFields = {"id",   "title", "type",   "animated", "nsfw",
                                                           "size", "width", "height", "link",     "datetime"};
constexpr std::array<std::string_view, 3> kEntryFields = {"is_ad", "is_album", "images_count"};

template <std::size_t N>
bool listed(const std::string& key, const std::array<std::string_view, N>& names) {
  return std::find(names.begin(), names.end(), key) != names.end();
}

// Cuts `s` to kMaxStringBytes at most, before the character that would be split.
void cut(std::string& s) {
  if (s.size() <= kMaxStringBytes) return;
  std::size_t end = kMaxStringBytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
}

}  // namespace

ImgurJsonFilter::Role ImgurJsonFilter::member_role(Role object, const std::string& key) {
  switch (object) {
    case Role::Root:
      if (key == "data") return Role::Data;
      if (key == "errors") return Role::Errors;
      return key == "status" || key == "success" ? Role::Leaf : Role::Skip;
    case Role::Data:  // an object: the data of an error envelope
      return key == "error" ? Role::Error : Role::Skip;
    case Role::Error:
      return key == "message" ? Role::Leaf : Role::Skip;
    case Role::ErrorItem:
      return key == "detail" || key == "code" ? Role::Leaf : Role::Skip;
    case Role::Entry:
      if (key == "images") return Role::Images;
      if (listed(key, kEntryFields)) return Role::Leaf;
      return listed(key, kImageFields) ? Role::Leaf : Role::Skip;
    case Role::Image:
      return listed(key, kImageFields) ? Role::Leaf : Role::Skip;
    default:  // the members of a Leaf object: it is kept, empty
      return Role::Skip;
  }
}

ImgurJsonFilter::Role ImgurJsonFilter::element_role(Frame& array) {
  const std::size_t index = array.elements++;
  switch (array.role) {
    case Role::Data:
    case Role::Images:
      if (entries_ == max_entries_) {
        ++dropped_;
        return Role::Skip;
      }
      ++entries_;
      return array.role == Role::Data ? Role::Entry : Role::Image;
    case Role::Errors:
      return index == 0 ? Role::ErrorItem : Role::Skip;  // the client reads the first
    default:  // the elements of a Leaf array, or of an entry that is an array: kept empty
      return Role::Skip;
  }
}

// nlohmann calls this for the start of containers and for keys inside skipped values too, but not
// for their ends nor their scalars: the stack is set to `depth` (the containers open around the
// event) at every call rather than popped at ends. A false answer leaves the value out without
// building it.
bool ImgurJsonFilter::operator()(int depth, Event event, nlohmann::json& parsed) {
  const bool starts = event == Event::object_start || event == Event::array_start;
  if (starts && depth > kMaxDepth) throw TooDeep{};
  if (depth < 0 || std::size_t(depth) > stack_.size()) return true;  // no call of nlohmann's
  stack_.resize(std::size_t(depth));
  const auto role_here = [this] {
    if (stack_.empty()) return Role::Root;
    Frame& parent = stack_.back();
    return parent.array ? element_role(parent) : parent.member;
  };
  switch (event) {
    case Event::object_start:
    case Event::array_start: {
      const Role role = role_here();
      stack_.push_back({role, event == Event::array_start});
      return role != Role::Skip;
    }
    case Event::object_end:
    case Event::array_end:
      return true;
    case Event::key:
      if (stack_.empty()) return true;
      stack_.back().member = member_role(stack_.back().role, parsed.get_ref<const std::string&>());
      return stack_.back().member != Role::Skip;
    case Event::value:
      if (role_here() == Role::Skip) return false;
      if (parsed.is_string()) cut(parsed.get_ref<std::string&>());
      return true;
  }
  return true;
}

}  // namespace thumbflow::detail
