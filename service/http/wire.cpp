#include "http/wire.hpp"

#include "util/strings.hpp"

namespace sa::http {

Framing check_request_framing(const std::vector<std::string_view>& transfer_encoding,
                              bool has_content_length, unsigned http_version) {
  if (transfer_encoding.empty()) return Framing::delimited;
  // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 MUST be treated as faulty framing, even with a
  // Content-Length.
  if (http_version < 11) return Framing::transfer_encoding_in_http10;
  // RFC 9112 §6.1 and §6.3 (3): Transfer-Encoding with Content-Length "ought to be handled as
  // an error": the two recipients of a smuggled request pick different ones.
  if (has_content_length) return Framing::transfer_encoding_with_length;
  // RFC 9110 §5.3: several field lines are one comma-separated list, in order; empty list
  // elements are ignored (RFC 9110 §5.6.1). Coding names are case-insensitive (RFC 9112 §7).
  std::vector<std::string_view> codings;
  for (std::string_view value : transfer_encoding) {
    for (std::string_view element : split(value, ',')) {
      element = trim(element);
      if (!element.empty()) codings.push_back(element);
    }
  }
  // RFC 9112 §6.3 (4): if chunked is not the final coding the length cannot be determined; the
  // server MUST respond 400 and close the connection.
  if (codings.empty() || !iequals(codings.back(), "chunked")) {
    return Framing::final_coding_not_chunked;
  }
  codings.pop_back();
  for (std::string_view coding : codings) {
    // RFC 9112 §6.1: a sender MUST NOT apply chunked more than once.
    if (iequals(coding, "chunked")) return Framing::chunked_more_than_once;
  }
  // RFC 9112 §6.1: a transfer coding the server does not understand SHOULD get 501. We
  // implement chunked only.
  if (!codings.empty()) return Framing::unsupported_transfer_coding;
  return Framing::delimited;
}

std::optional<FramingRefusal> framing_refusal(Framing framing) {
  switch (framing) {
    case Framing::delimited:
      return std::nullopt;
    case Framing::final_coding_not_chunked:
      return FramingRefusal{400, "the final Transfer-Encoding must be chunked",
                            "final_coding_not_chunked"};
    case Framing::transfer_encoding_with_length:
      return FramingRefusal{400, "Transfer-Encoding and Content-Length together",
                            "transfer_encoding_with_length"};
    case Framing::transfer_encoding_in_http10:
      return FramingRefusal{400, "Transfer-Encoding in an HTTP/1.0 request",
                            "transfer_encoding_in_http10"};
    case Framing::chunked_more_than_once:
      return FramingRefusal{400, "chunked applied more than once", "chunked_more_than_once"};
    case Framing::unsupported_transfer_coding:
      return FramingRefusal{501, "only the chunked transfer coding is implemented",
                            "unsupported_transfer_coding"};
  }
  return std::nullopt;  // unreachable: the switch names every Framing
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

std::string serialize_response(const Response& res, bool keep_alive, bool head_request) {
  std::string out;
  out.reserve(192 + res.body.size() + res.headers.size() * 48);
  out += "HTTP/1.1 ";
  out += std::to_string(res.status);
  out += ' ';
  out += reason_phrase(res.status);
  out += "\r\n";
  for (const Header& h : res.headers) {
    if (h.name.empty() || h.name.find_first_of("\r\n:") != std::string::npos ||
        h.value.find_first_of("\r\n") != std::string::npos) {
      continue;
    }
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  // RFC 9112 §6.3 (1): a 1xx, 204 or 304 answer ends with its header section, whatever it
  // says; RFC 9110 §8.6: a server MUST NOT send Content-Length in a 1xx or 204 (and may omit it
  // in a 304). Its body, if a handler set one, is not sent: it would read as the next response.
  const bool bodiless = res.status < 200 || res.status == 204 || res.status == 304;
  if (!bodiless) {
    // HEAD answers with the Content-Length the GET would have, and no body (RFC 9110 §9.3.2).
    out += "Content-Length: ";
    out += std::to_string(res.body.size());
    out += "\r\n";
  }
  out += keep_alive ? "\r\n" : "Connection: close\r\n\r\n";
  if (!head_request && !bodiless) out += res.body;
  return out;
}

}  // namespace sa::http
