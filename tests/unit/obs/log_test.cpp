#include "obs/log.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

using namespace sa::obs;

TEST_CASE("log fields are rendered as escaped JSON, numbers unquoted", "[log]") {
  std::string text = render_fields("quote \" and \n newline", {{"path", "/a\"b"}, num("status", 200)});
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  REQUIRE(std::string(doc["msg"].GetString()) == "quote \" and \n newline");
  REQUIRE(std::string(doc["path"].GetString()) == "/a\"b");
  REQUIRE(doc["status"].GetInt() == 200);
}

TEST_CASE("a fingerprint is 8 characters and never the secret itself", "[log]") {
  auto fp = fingerprint("a-very-secret-token-value");
  REQUIRE(fp.size() == 8);
  REQUIRE(fp == fingerprint("a-very-secret-token-value"));
  REQUIRE(fp != fingerprint("a-very-secret-token-valuf"));
  REQUIRE(std::string("a-very-secret-token-value").find(fp) == std::string::npos);
}
