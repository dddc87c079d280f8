#include "http/message.hpp"

#include <catch2/catch.hpp>
#include <thread>

using namespace sa::http;

TEST_CASE("header lookup is case-insensitive and returns the first match", "[http]") {
  Request req;
  req.headers = {{"Content-Type", "a"}, {"content-type", "b"}};
  REQUIRE(req.header("CONTENT-TYPE") == "a");
  REQUIRE_FALSE(req.header("Accept"));
}

TEST_CASE("Response::set replaces and add appends", "[http]") {
  Response res;
  res.set("Vary", "A").set("vary", "B").add("Vary", "C");
  REQUIRE(res.headers.size() == 2);
  REQUIRE(res.header("Vary") == "B");
}

TEST_CASE("a responder answers once even when copies are called from several threads",
          "[http]") {
  std::atomic<int> calls{0};
  {
    Responder r([&](Response) { calls.fetch_add(1); });
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) threads.emplace_back([r] { r(Response::json(200, "{}")); });
    for (auto& t : threads) t.join();
  }
  REQUIRE(calls.load() == 1);
}
