// Reading the builtin directory's YAML file: what it accepts, and that every refusal names the
// file and the key (CONTRACT "User directory adapter", builtin).
#include <catch2/catch.hpp>

#include "directory/builtin_directory.hpp"
#include "directory_test_support.hpp"

using namespace sa::directory;
using sa::directory::test::cheap_hash;
using sa::directory::test::sample_directory_yaml;

namespace {

std::string error_of(const std::string& yaml) {
  auto parsed = parse_builtin_directory(yaml, "dir.yaml");
  REQUIRE_FALSE(parsed);
  return parsed.error();
}

bool has_line(const std::string& error, const std::string& line) {
  return ("\n" + error + "\n").find("\n" + line + "\n") != std::string::npos;
}

std::string one_user(const std::string& fields) {
  return "users:\n  - id: u1\n    username: someone\n    password_hash: \"" + cheap_hash("pw") +
         "\"\n    name: Some One\n" + fields + "patients:\n  - id: p1\n    name: Pat One\n";
}

}  // namespace

TEST_CASE("a well-formed directory file gives its users, patients and encounters",
          "[directory][builtin]") {
  auto data = parse_builtin_directory(sample_directory_yaml(), "dir.yaml");
  REQUIRE(data);
  REQUIRE(data->users.size() == 3);
  const BuiltinUser& smith = data->users[0];
  CHECK(smith.user.id == "prac-1");
  CHECK(smith.username == "dr.smith");
  CHECK(smith.user.fhir_user == "Practitioner/prac-1");
  CHECK(smith.user.name == "Jane Smith");
  CHECK(smith.user.scopes ==
        std::vector<std::string>{"user/*.cruds", "launch", "openid", "fhirUser"});
  CHECK(smith.all_patients);
  CHECK(data->users[1].patient_ids == std::vector<std::string>{"p2"});
  REQUIRE(data->patients.size() == 3);
  CHECK(data->patients[0].patient.birth_date == "1980-04-12");
  REQUIRE(data->patients[0].encounters.size() == 1);
  CHECK(data->patients[0].encounters[0].id == "e1");
  CHECK(data->patients[0].encounters[0].period == "2024-01-02 to 2024-01-05");
  CHECK(data->patients[0].encounters[0].type == "Inpatient stay");
  CHECK(data->patients[1].encounters[0].period == "from 2024-03-01T09:30:00Z");
  CHECK(data->patients[2].patient.birth_date == "2001");
}

TEST_CASE("every problem in a directory file is named by file and key", "[directory][builtin]") {
  struct Case {
    std::string yaml;
    std::string line;
  };
  const std::string hash = cheap_hash("pw");
  const Case c = GENERATE_COPY(
      Case{"users: []\npatients: []\nroles: []\n", "dir.yaml: roles: unknown key"},
      Case{one_user("    fhirUser: Practitioner/u1\n    all_patients: true\n    title: Dr\n"),
           "dir.yaml: users[0].title: unknown key"},
      Case{one_user("    fhirUser: Practitioner/u1\n    all_patients: true\n") +
               "    gender: female\n",
           "dir.yaml: patients[0].gender: unknown key"},
      Case{one_user("    fhirUser: Practitioner/u1\n"),
           "dir.yaml: users[0].patients: is required (a list of patient ids, or all_patients: "
           "true) for a user who is not a patient"},
      Case{one_user("    fhirUser: Practitioner/u1\n    all_patients: true\n    patients: [p1]\n"),
           "dir.yaml: users[0].patients: must not be set together with all_patients: true"},
      Case{one_user("    fhirUser: Patient/p1\n    patients: [p1]\n"),
           "dir.yaml: users[0].patients: must not be set for a patient user, who opens only "
           "their own record"},
      Case{one_user("    fhirUser: Patient/p9\n"),
           "dir.yaml: users[0].fhirUser: names patient \"p9\", which is not under patients"},
      Case{one_user("    fhirUser: Practitioner/u1\n    patients: [p1, p7]\n"),
           "dir.yaml: users[0].patients[1]: patient \"p7\" is not under patients"},
      Case{one_user("    fhirUser: Organization/1\n    all_patients: true\n"),
           "dir.yaml: users[0].fhirUser: expected Patient/<id>, Practitioner/<id>, "
           "PractitionerRole/<id>, RelatedPerson/<id>, Person/<id> or an absolute URL ending in "
           "one, got \"Organization/1\""},
      Case{one_user("    fhirUser: Practitioner/u1\n    all_patients: true\n    scopes: "
                    "[system/*.rs]\n"),
           "dir.yaml: users[0].scopes[0]: system/ scopes are never granted to a user, got "
           "\"system/*.rs\""},
      Case{one_user("    fhirUser: Patient/p1\n    scopes: [patient/*.rs, user/*.rs]\n"),
           "dir.yaml: users[0].scopes[1]: a patient user (fhirUser Patient/...) may not hold "
           "user/ scopes, got \"user/*.rs\""},
      Case{"users:\n  - id: u1\n    username: a\n    password_hash: \"" + hash +
               "\"\n    fhirUser: Practitioner/u1\n    name: A\n    all_patients: true\n"
               "  - id: u1\n    username: b\n    password_hash: \"" +
               hash + "\"\n    fhirUser: Practitioner/u2\n    name: B\n    all_patients: true\n",
           "dir.yaml: users[1].id: duplicate user id \"u1\""},
      Case{"users:\n  - id: u1\n    username: same\n    password_hash: \"" + hash +
               "\"\n    fhirUser: Practitioner/u1\n    name: A\n    all_patients: true\n"
               "  - id: u2\n    username: same\n    password_hash: \"" +
               hash + "\"\n    fhirUser: Practitioner/u2\n    name: B\n    all_patients: true\n",
           "dir.yaml: users[1].username: duplicate username \"same\""},
      Case{"patients:\n  - id: p1\n    name: A\n  - id: p1\n    name: B\n",
           "dir.yaml: patients[1].id: duplicate patient id \"p1\""},
      Case{"patients:\n  - id: p1\n    name: A\n    encounters: [{id: e1}]\n  - id: p2\n    name: "
           "B\n    encounters: [{id: e1}]\n",
           "dir.yaml: patients[1].encounters[0].id: duplicate encounter id \"e1\""},
      Case{"patients:\n  - id: p_1\n    name: A\n",
           "dir.yaml: patients[0].id: expected a FHIR id (1 to 64 of A-Z a-z 0-9 - .), got "
           "\"p_1\""},
      Case{"patients:\n  - id: p1\n    name: A\n    birthDate: 1980-13-01\n",
           "dir.yaml: patients[0].birthDate: expected a FHIR date (1970, 1970-01 or 1970-01-31), "
           "got \"1980-13-01\""},
      Case{"patients:\n  - id: p1\n    name: A\n    encounters: [{id: e1, period: {start: "
           "yesterday}}]\n",
           "dir.yaml: patients[0].encounters[0].period.start: expected a FHIR date or dateTime "
           "(2024-01-31 or 2024-01-31T09:30:00Z), got \"yesterday\""},
      Case{"patients:\n  - name: A\n", "dir.yaml: patients[0].id: is required"},
      Case{"users:\n  - id: u1\n    fhirUser: Practitioner/u1\n    name: A\n    all_patients: "
           "true\n    password_hash: \"" +
               hash + "\"\n",
           "dir.yaml: users[0].username: is required"},
      Case{"users:\n  - id: u1\n    username: a b\n    fhirUser: Practitioner/u1\n    name: A\n"
           "    all_patients: true\n    password_hash: \"" +
               hash + "\"\n",
           "dir.yaml: users[0].username: expected a username (1 to 128 printable characters, no "
           "spaces), got \"a b\""},
      Case{"users: [\n",
           "dir.yaml: YAML syntax error at line 2, column 1: end of sequence "
           "flow not found"});
  INFO(c.yaml);
  const std::string error = error_of(c.yaml);
  INFO(error);
  CHECK(has_line(error, c.line));
}

TEST_CASE("a malformed password hash is refused without being quoted", "[directory][builtin]") {
  const std::string bad =
      "$argon2i$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";
  const std::string yaml =
      "users:\n  - id: u1\n    username: a\n    password_hash: \"" + bad +
      "\"\n    fhirUser: Practitioner/u1\n    name: A\n    all_patients: true\n";
  const std::string error = error_of(yaml);
  CHECK(error.starts_with("dir.yaml: users[0].password_hash: expected an argon2id hash"));
  CHECK(error.find(bad) == std::string::npos);
  CHECK(error_of("users:\n  - id: u1\n    username: a\n    password_hash: secret\n    "
                 "fhirUser: Practitioner/u1\n    name: A\n    all_patients: true\n")
            .find("secret") == std::string::npos);
}

TEST_CASE("every problem in the file is reported, not just the first", "[directory][builtin]") {
  const std::string error =
      error_of("patients:\n  - name: A\n  - id: p2\n    name: B\n    shoe_size: 9\n");
  CHECK(has_line(error, "dir.yaml: patients[0].id: is required"));
  CHECK(has_line(error, "dir.yaml: patients[1].shoe_size: unknown key"));
}

TEST_CASE("a missing directory file is an error naming it", "[directory][builtin]") {
  auto loaded = BuiltinDirectory::load({"/nonexistent/dir.yaml", 1});
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error() == "cannot open directory file \"/nonexistent/dir.yaml\"");
}
