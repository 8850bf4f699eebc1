// What a client says about itself on every request: the User-Agent and the user's extra headers,
// checked once (check_request_header, options.hpp) and held as the curl_slist libcurl reads.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <vector>

namespace thumbflow::detail {

class RequestHeaders {
 public:
  // user_agent "" = "thumbflow/<version>". Each header is checked (std::invalid_argument) and
  // sent as "Name: value", spaces around the value trimmed.
  RequestHeaders(const std::string& user_agent, const std::vector<std::string>& headers);

  const std::string& user_agent() const { return user_agent_; }
  // nullptr when there are none. Owned; valid as long as this object.
  curl_slist* list() const { return list_.get(); }

 private:
  std::string user_agent_;
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> list_{nullptr, &curl_slist_free_all};
};

// `header` ("Name:  value ") as it is sent ("Name: value"), after check_request_header.
std::string normalised_header(const std::string& header);

// `ours` ("Name: value" lines a client sends) with `extra` added; an extra header replaces one of
// ours of the same name (case-insensitive).
std::vector<std::string> merge_headers(const std::vector<std::string>& ours,
                                       const std::vector<std::string>& extra);

}  // namespace thumbflow::detail
