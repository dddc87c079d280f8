#include <catch2/catch.hpp>

#include "authorize/transaction.hpp"

using namespace sa::authorize;

TEST_CASE("a transaction survives its trip through the flow store's JSON", "[authorize]") {
  Transaction t;
  t.request.client_id = "app";
  t.request.redirect_uri = "https://app.example/cb?x=1";
  t.request.redirect_uri_sent = true;
  t.request.state = "st\"ate";
  t.request.scope = "launch openid patient/*.rs";
  t.request.aud = "https://ehr/fhir";
  t.request.launch = "L";
  t.request.code_challenge = std::string(43, 'c');
  t.request.nonce = "n";
  t.request.prompt_consent = true;
  t.request.max_age = 0;
  t.csrf = "csrf";
  t.ehr_launch = true;
  t.launch_user = "prac";
  t.fhir_context = R"([{"reference":"DiagnosticReport/7"}])";
  t.need_patient_banner = false;
  t.user_id = "prac";
  t.auth_time = 1700000000;
  t.session_hash = "session-hash";  // online_access refresh tokens end with this session
  t.patient = "1002";
  t.patient_name = "Robert Garcia";
  t.offered_patients = {"1002", "1004"};
  t.offered_patient_names = {"Robert Garcia", "Ana Lopez"};
  t.offered_encounters = {"e1"};

  auto back = transaction_from_json(to_json(t));
  REQUIRE(back);
  CHECK(back->request.redirect_uri == t.request.redirect_uri);
  CHECK(back->request.redirect_uri_sent);
  CHECK(back->request.state == t.request.state);
  CHECK(back->request.max_age == 0);
  CHECK(back->request.prompt_consent);
  CHECK_FALSE(back->request.prompt_none);
  CHECK(back->ehr_launch);
  CHECK(back->fhir_context == t.fhir_context);
  CHECK(back->need_patient_banner == false);
  CHECK(back->auth_time == t.auth_time);
  CHECK(back->session_hash == t.session_hash);
  CHECK(back->offered_patient_names == t.offered_patient_names);
  CHECK_FALSE(back->encounter);
}

TEST_CASE("text that is not a transaction this version wrote is treated as expired",
          "[authorize]") {
  CHECK_FALSE(transaction_from_json("not json"));
  CHECK_FALSE(transaction_from_json("{}"));
  CHECK_FALSE(transaction_from_json(R"({"v":"2"})"));
  // Picker lists that disagree could pair an id with another patient's name.
  Transaction t;
  t.offered_patients = {"a"};
  t.offered_patient_names = {"A"};
  auto json = to_json(t);
  CHECK(transaction_from_json(json));
  t.offered_patient_names = {};
  CHECK_FALSE(transaction_from_json(to_json(t)));
}
