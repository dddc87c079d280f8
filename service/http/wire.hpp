// HTTP/1.1 response serialisation for the server: status line, headers, Content-Length and
// body in one buffer, written with a single write. Pure; no sockets, no Boost.
#pragma once

#include <string>
#include <string_view>

#include "http/message.hpp"

namespace sa::http {

std::string_view reason_phrase(int status);

// A header whose name or value contains CR or LF (or a name with ':') would split the response
// (response splitting), so it is dropped rather than written.
std::string serialize_response(const Response& response, bool keep_alive, bool head_request);

}  // namespace sa::http
