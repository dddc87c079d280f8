// The builtin directory adapter's answers: who logs in, and which patients and encounters each
// user may open (CONTRACT "User directory adapter": the directory decides, never the service).
#include "directory/builtin_directory.hpp"
#include "directory/password_hash.hpp"

#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "directory_test_support.hpp"

using namespace sa::directory;

namespace {

BuiltinDirectory sample_directory() {
  return BuiltinDirectory(
      parse_builtin_directory(test::sample_directory_yaml(), "dir.yaml").value(), 1);
}

struct LoginResult {
  sa::Expected<User, DirectoryError> result;
  std::thread::id thread;
};

LoginResult log_in(Directory& directory, std::string username, std::string password) {
  std::promise<LoginResult> promise;
  directory.authenticate(std::move(username), std::move(password),
                         [&promise](sa::Expected<User, DirectoryError> result) {
                           promise.set_value({std::move(result), std::this_thread::get_id()});
                         });
  return promise.get_future().get();
}

// The non-password calls answer inline: the callback has run when the call returns.
template <class T, class Call>
sa::Expected<T, DirectoryError> inline_answer(Call call) {
  std::optional<sa::Expected<T, DirectoryError>> answer;
  call([&answer](sa::Expected<T, DirectoryError> result) { answer.emplace(std::move(result)); });
  REQUIRE(answer.has_value());
  return std::move(*answer);
}

std::vector<std::string> patient_ids(Directory& directory, const std::string& user,
                                     const std::string& query) {
  auto found = inline_answer<std::vector<Patient>>(
      [&](auto done) { directory.find_patients(user, query, std::move(done)); });
  REQUIRE(found);
  std::vector<std::string> ids;
  for (const Patient& p : *found) ids.push_back(p.id);
  return ids;
}

std::vector<std::string> encounter_ids(Directory& directory, const std::string& user,
                                       const std::string& patient) {
  auto found = inline_answer<std::vector<Encounter>>(
      [&](auto done) { directory.find_encounters(user, patient, std::move(done)); });
  REQUIRE(found);
  std::vector<std::string> ids;
  for (const Encounter& e : *found) ids.push_back(e.id);
  return ids;
}

using Ids = std::vector<std::string>;

}  // namespace

TEST_CASE("the right password logs the user in, on a thread other than the caller's",
          "[directory][builtin]") {
  BuiltinDirectory directory = sample_directory();
  // AUTHZ-12: the user is authenticated by the directory.
  const LoginResult login = log_in(directory, "dr.smith", "doctor-pw");
  REQUIRE(login.result);
  CHECK(login.result->id == "prac-1");
  CHECK(login.result->fhir_user == "Practitioner/prac-1");
  CHECK(login.result->name == "Jane Smith");
  CHECK(login.result->scopes == Ids{"user/*.cruds", "launch", "openid", "fhirUser"});
  // Argon2id never runs on the caller's (an I/O) thread.
  CHECK(login.thread != std::this_thread::get_id());
}

TEST_CASE("a wrong password and an unknown username are the same invalid_credentials",
          "[directory][builtin]") {
  BuiltinDirectory directory = sample_directory();
  const auto [username, password] =
      GENERATE(std::pair<std::string, std::string>{"dr.smith", "patient-pw"},
               std::pair<std::string, std::string>{"dr.smith", ""},
               std::pair<std::string, std::string>{"DR.SMITH", "doctor-pw"},
               std::pair<std::string, std::string>{"nobody", "doctor-pw"},
               std::pair<std::string, std::string>{"", ""});
  INFO(username << " / " << password);
  const LoginResult login = log_in(directory, username, password);
  REQUIRE_FALSE(login.result);
  CHECK(login.result.error() == DirectoryError::invalid_credentials);
  CHECK(login.thread != std::this_thread::get_id());
}

TEST_CASE("an unknown username's password is checked at full argon2id cost and never matches",
          "[directory][builtin]") {
  // OWASP Authentication Cheat Sheet: timing must not tell which usernames exist. A dummy hash
  // libargon2 could not read would be refused at once, which is exactly the timing leak.
  BuiltinDirectory directory = sample_directory();
  const auto params = parse_argon2id(directory.dummy_hash());
  REQUIRE(params);
  CHECK(params->memory_kib >= 8);  // the sample file's (cheap, for test speed) or more
  CHECK(verify_password(directory.dummy_hash(), "doctor-pw") == PasswordCheck::mismatch);
  CHECK(verify_password(directory.dummy_hash(), "") == PasswordCheck::mismatch);
}

TEST_CASE("find_user answers inline with the user, or not_found", "[directory][builtin]") {
  BuiltinDirectory directory = sample_directory();
  auto found = inline_answer<User>([&](auto done) { directory.find_user("pat-user", done); });
  REQUIRE(found);
  CHECK(found->fhir_user == "Patient/p1");
  auto missing = inline_answer<User>([&](auto done) { directory.find_user("dr.smith", done); });
  REQUIRE_FALSE(missing);
  CHECK(missing.error() == DirectoryError::not_found);
}

TEST_CASE("a patient user finds only their own record", "[directory][builtin]") {
  BuiltinDirectory directory = sample_directory();
  // CTX-1: a patient's patient/ scopes apply to their own record only.
  CHECK(patient_ids(directory, "pat-user", "") == Ids{"p1"});
  CHECK(patient_ids(directory, "pat-user", "bob").empty());
  CHECK(patient_ids(directory, "pat-user", "p2").empty());
  CHECK(encounter_ids(directory, "pat-user", "p1") == Ids{"e1"});
  CHECK(encounter_ids(directory, "pat-user", "p2").empty());
}

TEST_CASE("a practitioner limited to some patients finds only those", "[directory][builtin]") {
  BuiltinDirectory directory = sample_directory();
  CHECK(patient_ids(directory, "prac-2", "") == Ids{"p2"});
  CHECK(patient_ids(directory, "prac-2", "alice").empty());
  CHECK(encounter_ids(directory, "prac-2", "p2") == Ids{"e2"});
  CHECK(encounter_ids(directory, "prac-2", "p1").empty());
}

TEST_CASE("a practitioner with all patients searches them by name parts, ignoring case",
          "[directory][builtin]") {
  BuiltinDirectory directory = sample_directory();
  CHECK(patient_ids(directory, "prac-1", "") == Ids{"p1", "p2", "p3"});
  CHECK(patient_ids(directory, "prac-1", "jones") == Ids{"p1", "p2"});  // Jones, Jonesson
  CHECK(patient_ids(directory, "prac-1", "SMITH") == Ids{"p3"});
  CHECK(patient_ids(directory, "prac-1", "smi car") == Ids{"p3"});
  CHECK(patient_ids(directory, "prac-1", "  alice ,  jones ") == Ids{"p1"});
  CHECK(patient_ids(directory, "prac-1", "alice bob").empty());
  CHECK(patient_ids(directory, "prac-1", "ones").empty());     // parts match from their start
  CHECK(patient_ids(directory, "prac-1", "p3") == Ids{"p3"});  // or the exact id
  CHECK(encounter_ids(directory, "prac-1", "p3").empty());     // has none
  CHECK(encounter_ids(directory, "prac-1", "p9").empty());     // does not exist
}

TEST_CASE("an unknown user may open no patient", "[directory][builtin]") {
  BuiltinDirectory directory = sample_directory();
  CHECK(patient_ids(directory, "nobody", "").empty());
  CHECK(encounter_ids(directory, "nobody", "p1").empty());
}

TEST_CASE("one search answers at most kMaxPatients patients", "[directory][builtin]") {
  BuiltinDirectoryData data;
  BuiltinUser user;
  user.user = {"u", "Practitioner/u", "U", {}};
  user.username = "u";
  user.password_hash = test::cheap_hash("pw");
  user.all_patients = true;
  data.users.push_back(user);
  for (int i = 0; i < 60; ++i) {
    data.patients.push_back({{"p" + std::to_string(i), "Same Name", ""}, {}});
  }
  BuiltinDirectory directory(std::move(data), 1);
  CHECK(patient_ids(directory, "u", "same").size() == BuiltinDirectory::kMaxPatients);
}
