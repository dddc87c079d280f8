// Reading the EHR directory's JSON (CONTRACT "User directory adapter"): strict about types,
// bounds and duplicates, lenient about members it does not know.
#include "directory/directory_json.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace sa::directory::json {
namespace {

std::string list_of(std::size_t n, const std::string& item) {
  std::string out = "[";
  for (std::size_t i = 0; i < n; ++i) out += (i ? "," : "") + item;
  return out + "]";
}

TEST_CASE("a user needs id, fhirUser and scopes; name and unknown members are optional",
          "[directory][json]") {
  auto user = parse_user(R"({"id":"u1","fhirUser":"Patient/7","scopes":[],"extra":{"x":1}})");
  REQUIRE(user);
  CHECK(user->fhir_user == "Patient/7");
  CHECK(user->name.empty());
  CHECK(user->scopes.empty());
}

TEST_CASE("a user answer that is missing, mistyped, duplicated or unbounded is refused",
          "[directory][json]") {
  const std::string body = GENERATE(
      as<std::string>{}, "", "[]", "null", R"({"fhirUser":"Patient/7","scopes":[]})",
      R"({"id":"","fhirUser":"Patient/7","scopes":[]})", R"({"id":"u1","scopes":[]})",
      R"({"id":"u1","fhirUser":"Patient/7"})", R"({"id":1,"fhirUser":"Patient/7","scopes":[]})",
      R"({"id":"u1","fhirUser":"Patient/7","scopes":{}})",
      R"({"id":"u1","fhirUser":"Patient/7","scopes":[1]})",
      R"({"id":"u1","fhirUser":"Patient/7","name":5,"scopes":[]})",
      R"({"id":"u1","id":"u2","fhirUser":"Patient/7","scopes":[]})",
      // RFC 6749 §3.3: a scope with a space would become two scopes.
      R"({"id":"u1","fhirUser":"Patient/7","scopes":["user/*.rs openid"]})",
      R"({"id":"u1","fhirUser":"Patient/7","scopes":[""]})",
      "{\"id\":\"u\xff\",\"fhirUser\":\"Patient/7\",\"scopes\":[]}");
  CAPTURE(body);
  CHECK_FALSE(parse_user(body));
}

TEST_CASE("a user's scopes and id are bounded", "[directory][json]") {
  const std::string head = R"({"id":"u1","fhirUser":"Patient/7","scopes":)";
  CHECK(parse_user(head + list_of(kMaxScopes, R"("openid")") + "}"));
  CHECK_FALSE(parse_user(head + list_of(kMaxScopes + 1, R"("openid")") + "}"));
  const std::string long_id(kMaxIdLength + 1, 'x');
  CHECK_FALSE(parse_user(R"({"id":")" + long_id + R"(","fhirUser":"Patient/7","scopes":[]})"));
}

TEST_CASE("patients are a bounded list of objects with an id", "[directory][json]") {
  CHECK(parse_patients("[]").value().empty());
  CHECK(parse_patients(list_of(kMaxPatients, R"({"id":"p"})")));
  CHECK_FALSE(parse_patients(list_of(kMaxPatients + 1, R"({"id":"p"})")));
  const std::string bad = GENERATE(as<std::string>{}, "{}", "[1]", R"([{"name":"x"}])",
                                   R"([{"id":"p","birthDate":19700101}])", R"([{"id":null}])");
  CAPTURE(bad);
  CHECK_FALSE(parse_patients(bad));
}

TEST_CASE("an encounter's period reads as display text", "[directory][json]") {
  auto period = [](const std::string& value) {
    return parse_encounters(R"([{"id":"e","period":)" + value + "}]").value().at(0).period;
  };
  CHECK(period(R"({"start":"2024-01-02","end":"2024-01-05"})") == "2024-01-02 to 2024-01-05");
  CHECK(period(R"({"start":"2024-01-02"})") == "from 2024-01-02");
  CHECK(period(R"({"end":"2024-01-05"})") == "until 2024-01-05");
  CHECK(period("{}").empty());
  CHECK(period("null").empty());
  CHECK(period(R"("January")") == "January");
  CHECK_FALSE(parse_encounters(R"([{"id":"e","period":["2024"]}])"));
  CHECK_FALSE(parse_encounters(R"([{"id":"e","period":{"start":1}}])"));
}

TEST_CASE("an encounter's type is a string or a CodeableConcept, text before coding display",
          "[directory][json]") {
  auto type = [](const std::string& value) {
    return parse_encounters(R"([{"id":"e","type":)" + value + "}]").value().at(0).type;
  };
  CHECK(type(R"("Emergency")") == "Emergency");
  CHECK(type(R"({"text":"Checkup","coding":[{"display":"ambulatory"}]})") == "Checkup");
  CHECK(type(R"({"coding":[{"code":"AMB"},{"display":"ambulatory"}]})") == "ambulatory");
  CHECK(type(R"([{"coding":[{"code":"AMB"}]},{"text":"Second"}])") == "Second");  // FHIR 0..*
  CHECK(type(R"({"coding":[]})").empty());
  CHECK_FALSE(parse_encounters(R"([{"id":"e","type":{"coding":{"display":"x"}}}])"));
  CHECK_FALSE(parse_encounters(R"([{"id":"e","type":{"coding":["x"]}}])"));
  CHECK_FALSE(parse_encounters(R"([{"id":"e","type":7}])"));
  CHECK_FALSE(parse_encounters(list_of(kMaxEncounters + 1, R"({"id":"e"})")));
}

TEST_CASE("the authenticate body is JSON written by RapidJSON, escaping what it must",
          "[directory][json]") {
  CHECK(authenticate_body("al\"ice", "p\\w\n") == R"({"username":"al\"ice","password":"p\\w\n"})");
  CHECK_FALSE(authenticate_body("\xff", "pw"));  // RFC 8259 §8.1: UTF-8 only
}

}  // namespace
}  // namespace sa::directory::json
