#include "http/wire.hpp"

#include <catch2/catch.hpp>

using namespace sa::http;

TEST_CASE("a response is serialised as status line, headers, length and body", "[wire]") {
  Response res = Response::json(200, "{}");
  res.set("Cache-Control", "no-store");
  REQUIRE(serialize_response(res, true, false) ==
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
          "Content-Length: 2\r\n\r\n{}");
}

TEST_CASE("without keep-alive the response says Connection: close", "[wire]") {
  auto text = serialize_response(Response::text(404, "x"), false, false);
  REQUIRE(text.find("HTTP/1.1 404 Not Found\r\n") == 0);
  REQUIRE(text.find("\r\nConnection: close\r\n\r\nx") != std::string::npos);
}

TEST_CASE("HEAD keeps the Content-Length but sends no body", "[wire]") {
  auto text = serialize_response(Response::text(200, "hello"), true, true);
  REQUIRE(text.find("Content-Length: 5\r\n\r\n") != std::string::npos);
  REQUIRE(text.substr(text.size() - 4) == "\r\n\r\n");
}

TEST_CASE("a header carrying CR or LF is dropped, never written", "[wire][security]") {
  Response res = Response::text(302, "");
  res.set("Location", "https://app.example/cb\r\nSet-Cookie: evil=1");
  res.set("X-Evil\r\nInjected", "1");
  res.set("X-Fine", "yes");
  auto text = serialize_response(res, true, false);
  REQUIRE(text.find("evil") == std::string::npos);
  REQUIRE(text.find("Injected") == std::string::npos);
  REQUIRE(text.find("X-Fine: yes\r\n") != std::string::npos);
}
