#include "queue/queue_keys.hpp"

#include <algorithm>
#include <stdexcept>

namespace thumbflow::detail {

QueueKeys::QueueKeys(const std::string& name)
    : stream(name),
      dead(name + ":dead"),
      stats(name + ":stats"),
      seen(name + ":seen"),
      errors(name + ":errors"),
      released(name + ":released") {
  if (name.empty() || name.size() > 200)
    throw std::invalid_argument("queue name must have 1..200 characters");
  for (const char ch : name)
    if (const auto c = static_cast<unsigned char>(ch); c <= ' ' || c == 0x7f)
      throw std::invalid_argument("queue name '" + name + "' has a space or a control character");
}

RedisArgs eval_args(const char* script, const std::vector<std::string>& keys,
                    const std::vector<std::string>& argv) {
  RedisArgs args = {"EVAL", std::string(kScriptPrelude) + script, std::to_string(keys.size())};
  args.insert(args.end(), keys.begin(), keys.end());
  args.insert(args.end(), argv.begin(), argv.end());
  return args;
}

std::vector<std::pair<std::string, std::string>> expected_types(const QueueKeys& keys) {
  return {{keys.stream, "stream"}, {keys.dead, "stream"}, {keys.stats, "hash"},
          {keys.seen, "set"},      {keys.errors, "hash"}, {keys.released, "set"}};
}

std::vector<std::string> entry_bounds_args() {
  return {std::to_string(kMaxEntryFields), std::to_string(kMaxNameBytes), std::to_string(kMaxFieldBytes),
          std::to_string(kMaxEntryBytes), std::to_string(kOutlineBytes)};
}

EntryOutline outline_of(const RedisValue& o) {
  const auto size = [](const RedisValue& v) { return std::size_t(std::max<std::int64_t>(0, v.as_int())); };
  EntryOutline outline;
  if (o.elements.size() < 2) return outline;
  outline.field_count = size(o.elements[0]);
  outline.total_bytes = size(o.elements[1]);
  for (std::size_t i = 2; i + 3 < o.elements.size(); i += 4)
    outline.fields.push_back(
        {o.elements[i].str, o.elements[i + 2].str, size(o.elements[i + 1]), size(o.elements[i + 3])});
  return outline;
}

std::string without_script_suffix(const std::string& error) {
  const std::size_t at = error.find(" script: ");
  return at == std::string::npos || error.find("@user_script", at) == std::string::npos ? error
                                                                                        : error.substr(0, at);
}

std::string wrong_type_text(const std::string& key, const std::string& type, const std::string& wanted) {
  return "key '" + key + "' holds a " + type + ", not a " + wanted;
}

ScriptReply script_reply(const RedisValue& reply) {
  ScriptReply r;
  if (reply.type != RedisValue::Type::Array) {
    r.result = reply.as_int();
    return r;
  }
  if (!reply.elements.empty()) r.result = reply.elements[0].as_int();
  for (std::size_t i = 1; i + 1 < reply.elements.size(); i += 2)
    r.failed_writes.emplace_back(reply.elements[i].str, reply.elements[i + 1].str);
  return r;
}

}  // namespace thumbflow::detail
