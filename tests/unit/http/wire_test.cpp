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

TEST_CASE("a 204 carries neither Content-Length nor a body", "[wire]") {  // DCR-6
  // RFC 9110 §8.6: a server MUST NOT send Content-Length in a 204 (or 1xx) response.
  const int status = GENERATE(204, 100);
  const bool keep_alive = GENERATE(true, false);
  CAPTURE(status, keep_alive);
  Response res = Response::text(status, "stray");
  auto text = serialize_response(res, keep_alive, false);
  CHECK(text.find("Content-Length") == std::string::npos);
  CHECK(text.find("stray") == std::string::npos);
  CHECK(text.substr(text.size() - 4) == "\r\n\r\n");
  CHECK((text.find("\r\nConnection: close\r\n\r\n") != std::string::npos) == !keep_alive);
}

TEST_CASE("a 304 ends with its headers: no Content-Length of 0 that would contradict the 200",
          "[wire]") {
  // RFC 9110 §8.6 and RFC 9112 §6.3 (1).
  auto text = serialize_response(Response::text(304, ""), true, false);
  CHECK(text.find("Content-Length") == std::string::npos);
  CHECK(text.substr(text.size() - 4) == "\r\n\r\n");
}

TEST_CASE("a request's framing is refused unless chunked is the one and final coding",
          "[wire][security]") {
  using TE = std::vector<std::string_view>;
  // {Transfer-Encoding field values, Content-Length present, HTTP version, verdict}
  auto [te, length, version, verdict] = GENERATE(table<TE, bool, unsigned, Framing>({
      {TE{}, false, 11, Framing::delimited},
      {TE{}, true, 11, Framing::delimited},
      {TE{}, true, 10, Framing::delimited},
      {TE{"chunked"}, false, 11, Framing::delimited},
      {TE{"Chunked"}, false, 11, Framing::delimited},
      {TE{" chunked\t"}, false, 11, Framing::delimited},
      {TE{", chunked,"}, false, 11, Framing::delimited},  // empty list elements are ignored
      // RFC 9112 §6.3 (4): final coding not chunked.
      {TE{"gzip"}, false, 11, Framing::final_coding_not_chunked},
      {TE{"identity"}, false, 11, Framing::final_coding_not_chunked},
      {TE{"chunked, gzip"}, false, 11, Framing::final_coding_not_chunked},
      {TE{"chunked", "gzip"}, false, 11, Framing::final_coding_not_chunked},
      {TE{"chunked;ext=1"}, false, 11, Framing::final_coding_not_chunked},
      {TE{""}, false, 11, Framing::final_coding_not_chunked},
      {TE{" , "}, false, 11, Framing::final_coding_not_chunked},
      // RFC 9112 §6.1 / §6.3 (3): with Content-Length.
      {TE{"chunked"}, true, 11, Framing::transfer_encoding_with_length},
      {TE{"gzip"}, true, 11, Framing::transfer_encoding_with_length},
      // RFC 9112 §6.1: in HTTP/1.0.
      {TE{"chunked"}, false, 10, Framing::transfer_encoding_in_http10},
      // RFC 9112 §6.1: chunked twice; a coding we do not implement.
      {TE{"chunked, chunked"}, false, 11, Framing::chunked_more_than_once},
      {TE{"chunked", "chunked"}, false, 11, Framing::chunked_more_than_once},
      {TE{"gzip, chunked"}, false, 11, Framing::unsupported_transfer_coding},
      {TE{"gzip", "chunked"}, false, 11, Framing::unsupported_transfer_coding},
  }));
  CAPTURE(te, length, version);
  CHECK(check_request_framing(te, length, version) == verdict);
}

TEST_CASE("a refused framing is answered 400, or 501 for a coding we do not implement",
          "[wire][security]") {
  CHECK_FALSE(framing_refusal(Framing::delimited));
  for (Framing f : {Framing::final_coding_not_chunked, Framing::transfer_encoding_with_length,
                    Framing::transfer_encoding_in_http10, Framing::chunked_more_than_once}) {
    auto refusal = framing_refusal(f);
    REQUIRE(refusal);
    CHECK(refusal->status == 400);
    CHECK_FALSE(refusal->description.empty());
  }
  CHECK(framing_refusal(Framing::unsupported_transfer_coding)->status == 501);
  CHECK(reason_phrase(501) == "Not Implemented");
}
