#include "http/wire.hpp"

namespace sa::http {

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
  // HEAD answers with the Content-Length the GET would have, and no body (RFC 9110 §9.3.2).
  out += "Content-Length: ";
  out += std::to_string(res.body.size());
  out += keep_alive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n";
  if (!head_request) out += res.body;
  return out;
}

}  // namespace sa::http
