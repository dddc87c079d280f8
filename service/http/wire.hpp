// HTTP/1.1 message framing for the server: the check that a request's body length is known the
// one way every recipient agrees on (against request smuggling), and response serialisation
// (status line, headers, Content-Length and body in one buffer, written with a single write).
// Pure; no sockets, no Boost.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace sa::http {

// How a request's header delimits its body. Anything but `delimited` is refused and the
// connection closed: its body cannot be skipped, so the bytes after it cannot be trusted to
// start the next request.
enum class Framing {
  delimited,                      // no Transfer-Encoding, or exactly "chunked"
  final_coding_not_chunked,       // 400
  transfer_encoding_with_length,  // 400
  transfer_encoding_in_http10,    // 400
  chunked_more_than_once,         // 400
  unsupported_transfer_coding,    // 501: a coding other than chunked under a final chunked
};

// `transfer_encoding` holds every Transfer-Encoding field value of the request, in order (empty
// when it has none); `http_version` is 10 or 11.
Framing check_request_framing(const std::vector<std::string_view>& transfer_encoding,
                              bool has_content_length, unsigned http_version);

struct FramingRefusal {
  int status = 400;
  std::string_view description;  // for the client's error_description
  std::string_view reason;       // for the audit log: the Framing's name
};
// The answer to a refused request; nullopt for Framing::delimited.
std::optional<FramingRefusal> framing_refusal(Framing framing);

std::string_view reason_phrase(int status);

// A header whose name or value contains CR or LF (or a name with ':') would split the response
// (response splitting), so it is dropped rather than written. 1xx, 204 and 304 answers carry no
// body and no Content-Length.
std::string serialize_response(const Response& response, bool keep_alive, bool head_request);

}  // namespace sa::http
