#include "gallery/imgur_json_filter.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

namespace thumbflow::detail {
namespace {

using json = nlohmann::json;

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

ImgurJsonReader::Role ImgurJsonReader::member_role(Role object, const std::string& key) {
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

ImgurJsonReader::Role ImgurJsonReader::element_role(Frame& array) {
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

json* ImgurJsonReader::place(Role& role) {
  if (stack_.empty()) {
    role = Role::Root;
    return &root_;
  }
  Frame& parent = stack_.back();
  role = parent.array ? element_role(parent) : parent.member;
  if (role == Role::Skip || parent.node == nullptr) return nullptr;
  if (parent.array) {
    parent.node->push_back(json());
    return &parent.node->back();
  }
  return &(*parent.node)[parent.key];  // a repeated key: the last value is kept, as json::parse keeps it
}

bool ImgurJsonReader::scalar(json&& value) {
  Role role;
  if (json* slot = place(role)) *slot = std::move(value);
  return true;
}

bool ImgurJsonReader::string(std::string& v) {
  cut(v);
  return scalar(json(std::move(v)));
}

// Pointers into a kept array stay valid while the value they point at is open: nothing is added
// to that array before the value is closed.
bool ImgurJsonReader::open(bool array) {
  if (stack_.size() > std::size_t(kMaxDepth)) throw TooDeep{};
  Role role;
  json* slot = place(role);
  if (slot) *slot = array ? json::array() : json::object();
  stack_.push_back(Frame{role, array, slot, Role::Skip, std::string(), 0});
  return true;
}

bool ImgurJsonReader::close() {
  stack_.pop_back();
  return true;
}

bool ImgurJsonReader::key(std::string& name) {
  Frame& object = stack_.back();
  object.member = object.node ? member_role(object.role, name) : Role::Skip;
  if (object.member != Role::Skip) object.key = name;
  return true;
}

}  // namespace thumbflow::detail
