// The body of POST /auth/launch: what a valid request keeps, and one table row per bad input,
// each refused as invalid_request whose description names the bad field.
#include "launch/launch_request.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace sa::launch {
namespace {

std::string description_of(const std::string& body) {
  auto parsed = parse_launch_request(body);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == oauth::ErrorCode::invalid_request);
  return parsed.error().description;
}

// LAUNCH-2, CTX-3, CTX-4, CTX-6: every member the contract lists is kept as given.
TEST_CASE("a full launch request keeps every member", "[launch][request]") {
  auto parsed = parse_launch_request(
      R"({"user":"practitioner-1","patient":"123","encounter":"enc-4.5","client_id":"app-a",)"
      R"("fhirContext":[{"reference":"DiagnosticReport/7"},)"
      R"({"canonical":"http://example.org/fhir/Questionnaire/phq-9|1.0","type":"Questionnaire"},)"
      R"({"identifier":{"system":"urn:oid:1.2.3","value":"42"},"type":"ServiceRequest",)"
      R"("role":"https://example.org/roles/order"},)"
      R"({"reference":"Patient/9","role":"http://example.org/roles/mother"}],)"
      R"("intent":"reconcile","need_patient_banner":true,)"
      R"("smart_style_url":"https://ehr.example.org/style.json","tenant":"north"})");
  REQUIRE(parsed);
  CHECK(parsed->user_id == "practitioner-1");
  CHECK(parsed->patient == std::optional<std::string>("123"));
  CHECK(parsed->encounter == std::optional<std::string>("enc-4.5"));
  CHECK(parsed->client_id == std::optional<std::string>("app-a"));
  CHECK(parsed->intent == std::optional<std::string>("reconcile"));
  CHECK(parsed->need_patient_banner == std::optional<bool>(true));
  CHECK(parsed->smart_style_url ==
        std::optional<std::string>("https://ehr.example.org/style.json"));
  CHECK(parsed->tenant == std::optional<std::string>("north"));
  REQUIRE(parsed->fhir_context);
  CHECK(parsed->fhir_context->front() == '[');
  CHECK_THAT(*parsed->fhir_context, Catch::Contains(R"({"reference":"DiagnosticReport/7"})"));
  CHECK_THAT(*parsed->fhir_context, Catch::Contains("phq-9|1.0"));
}

TEST_CASE("a launch request with only a user is valid and carries nothing else",
          "[launch][request]") {
  auto parsed = parse_launch_request(R"({"user":"u-1"})");
  REQUIRE(parsed);
  CHECK(parsed->user_id == "u-1");
  CHECK_FALSE(parsed->patient);
  CHECK_FALSE(parsed->client_id);
  CHECK_FALSE(parsed->fhir_context);
  CHECK_FALSE(parsed->need_patient_banner);
  CHECK(parsed->expires_at == 0);  // the endpoint sets the times
}

// CONTRACT "EHR launch-context API": 400 invalid_request naming the bad field; CTX-3 for every
// fhirContext row.
TEST_CASE("each bad launch request is refused naming the bad field", "[launch][request]") {
  const std::string many_items = [] {
    std::string items;
    for (int i = 0; i < 21; ++i)
      items += std::string(i ? "," : "") + R"({"reference":"Observation/1"})";
    return R"({"user":"u","fhirContext":[)" + items + "]}";
  }();
  auto [body, starts_with] = GENERATE_COPY(table<std::string, std::string>({
      {"", "body must be a JSON object"},
      {"[]", "body must be a JSON object"},
      {R"({"user":"u","user":"v"})", "body must be a JSON object without repeated members"},
      {std::string(40 * 1024, ' '), "body must be at most 32768 bytes"},
      {R"({"patient":"1"})", "user is required"},
      {R"({"user":7})", "user must be a string"},
      {R"({"user":""})", "user must not be empty"},
      {R"({"user":")" + std::string(257, 'u') + "\"}", "user must be at most 256 characters"},
      {R"({"user":"a\u0000b"})", "user must not contain control characters"},
      {R"({"user":"u","launch":"mine"})", "launch is not a member of a launch request"},
      {R"({"user":"u","scope":"launch"})", "scope is not a member of a launch request"},
      {R"({"user":"u","\u00e9t\u00e9":1})", "a member is not a member of a launch request"},
      {R"({"user":"u",")" + std::string(65, 'x') + R"(":1})",
       "a member is not a member of a launch request"},
      {R"({"user":"u","patient":123})", "patient must be a string"},
      {R"({"user":"u","patient":"Patient/123"})", "patient must be a FHIR resource id"},
      {R"({"user":"u","patient":""})", "patient must be a FHIR resource id"},
      {R"({"user":"u","encounter":"a b"})", "encounter must be a FHIR resource id"},
      {R"({"user":"u","client_id":""})", "client_id must not be empty"},
      {R"({"user":"u","client_id":["a"]})", "client_id must be a string"},
      {R"({"user":"u","intent":false})", "intent must be a string"},
      {R"({"user":"u","tenant":")" + std::string(300, 't') + "\"}",
       "tenant must be at most 256 characters"},
      {R"({"user":"u","need_patient_banner":"true"})", "need_patient_banner must be true or false"},
      {R"({"user":"u","smart_style_url":"http://ehr.example.org/s.json"})",
       "smart_style_url must use https://"},
      {R"({"user":"u","smart_style_url":"/smart-style.json"})", "smart_style_url "},
      {R"({"user":"u","fhirContext":{"reference":"Observation/1"}})",
       "fhirContext must be an array of objects"},
      {R"({"user":"u","fhirContext":["Observation/1"]})", "fhirContext[0] must be an object"},
      {many_items, "fhirContext must have at most 20 items"},
      {R"({"user":"u","fhirContext":[{}]})",
       "fhirContext[0] must have a reference, canonical or identifier"},
      {R"({"user":"u","fhirContext":[{"type":"Observation"}]})",
       "fhirContext[0] must have a reference, canonical or identifier"},
      {R"({"user":"u","fhirContext":[{"reference":"Observation/1"},{"reference":"https://other.example/fhir/Observation/2"}]})",
       "fhirContext[1].reference must be a relative reference Type/id"},
      {R"({"user":"u","fhirContext":[{"reference":"Banana/1"}]})",
       "fhirContext[0].reference must be a relative reference Type/id"},
      {R"({"user":"u","fhirContext":[{"reference":"Observation/"}]})",
       "fhirContext[0].reference must be a relative reference Type/id"},
      {R"({"user":"u","fhirContext":[{"reference":7}]})",
       "fhirContext[0].reference must be a string"},
      {R"({"user":"u","fhirContext":[{"canonical":"Questionnaire/phq-9"}]})",
       "fhirContext[0].canonical must be an absolute URI"},
      {R"({"user":"u","fhirContext":[{"canonical":"http://example.org/Q|"}]})",
       "fhirContext[0].canonical must be an absolute URI"},
      {R"({"user":"u","fhirContext":[{"identifier":"42"}]})",
       "fhirContext[0].identifier must be a non-empty FHIR Identifier object"},
      {R"({"user":"u","fhirContext":[{"identifier":{}}]})",
       "fhirContext[0].identifier must be a non-empty FHIR Identifier object"},
      {R"({"user":"u","fhirContext":[{"identifier":{"value":42}}]})",
       "fhirContext[0].identifier.value must be a string"},
      {R"({"user":"u","fhirContext":[{"identifier":{"colour":"red"}}]})",
       "fhirContext[0].identifier must hold FHIR Identifier elements only"},
      {R"({"user":"u","fhirContext":[{"reference":"Observation/1","type":"Obs"}]})",
       "fhirContext[0].type must be an R4 resource type"},
      {R"({"user":"u","fhirContext":[{"reference":"Observation/1","type":"Condition"}]})",
       "fhirContext[0].type must match the type of reference"},
      {R"({"user":"u","fhirContext":[{"reference":"Observation/1","role":""}]})",
       "fhirContext[0].role must be \"launch\" or an absolute URI"},
      {R"({"user":"u","fhirContext":[{"reference":"Observation/1","role":"mother"}]})",
       "fhirContext[0].role must be \"launch\" or an absolute URI"},
      {R"({"user":"u","fhirContext":[{"reference":"Patient/1"}]})",
       "fhirContext[0].role is required, and not \"launch\", for a Patient or Encounter item"},
      {R"({"user":"u","fhirContext":[{"reference":"Encounter/1","role":"launch"}]})",
       "fhirContext[0].role is required, and not \"launch\", for a Patient or Encounter item"},
      {R"({"user":"u","fhirContext":[{"identifier":{"value":"1"},"type":"Patient"}]})",
       "fhirContext[0].role is required, and not \"launch\", for a Patient or Encounter item"},
      {R"({"user":"u","fhirContext":[{"reference":"Observation/1","extra":1}]})",
       "fhirContext[0].extra is not a fhirContext member"},
      {R"({"user":"u","fhirContext":[{"reference":"Observation/1","reference":"Observation/2"}]})",
       "fhirContext[0] must not repeat a member"},
  }));
  CAPTURE(body.substr(0, 200));
  CHECK_THAT(description_of(body), Catch::StartsWith(starts_with));
}

}  // namespace
}  // namespace sa::launch
