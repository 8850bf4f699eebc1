#include "io/temp_files.hpp"

#include <system_error>

namespace thumbflow::detail {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kMarker = ".thumbflow-";
constexpr std::size_t kRandomChars = 6;  // mkstemp's XXXXXX

}  // namespace

std::string temp_file_template(const fs::path& target) {
  // A file name holds at most 255 bytes (NAME_MAX): a target name near that is cut short here (not
  // inside a UTF-8 character), or a legal thumbnail name would fail ("File name too long").
  constexpr std::size_t kNameMax = 255, kRoom = kNameMax - 1 - kMarker.size() - kRandomChars;
  std::string own = target.filename().string();
  if (own.size() > kRoom) {
    std::size_t cut = kRoom;
    for (int back = 0; back < 3 && cut > 0 && (static_cast<unsigned char>(own[cut]) & 0xC0) == 0x80; ++back)
      --cut;
    own.resize(cut);
  }
  std::string name = ".";
  name.append(own).append(kMarker).append(kRandomChars, 'X');
  return (target.parent_path() / name).string();
}

bool is_temp_file_name(std::string_view name) {
  // "." + at least one character + marker + six characters
  if (name.size() < 2 + kMarker.size() + kRandomChars || name.front() != '.') return false;
  return name.substr(name.size() - kRandomChars - kMarker.size(), kMarker.size()) == kMarker;
}

std::size_t remove_abandoned_temp_files(const fs::path& dir, std::chrono::seconds min_age) {
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  std::size_t removed = 0;
  for (const fs::recursive_directory_iterator end; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    std::error_code entry_ec;
    if (!is_temp_file_name(entry.path().filename().string()) || !entry.is_regular_file(entry_ec)) continue;
    const auto modified = entry.last_write_time(entry_ec);
    if (entry_ec || now - modified < min_age) continue;
    if (fs::remove(entry.path(), entry_ec)) ++removed;
  }
  return removed;
}

}  // namespace thumbflow::detail
