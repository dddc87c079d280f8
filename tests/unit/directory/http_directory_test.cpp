// The `http` directory adapter against a real HTTPS server on loopback with its own CA (CONTRACT
// "User directory adapter"; issue 7: "401, 404, slow, down, oversized and garbage answers: each
// gives a clean temporarily_unavailable, never a hang").
#include "directory/http_directory.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "support/local_https_server.hpp"
#include "support/service_process.hpp"
#include "util/clock.hpp"

namespace sa::directory {
namespace {

using namespace std::chrono_literals;
using test::CannedAnswer;

constexpr const char* kAlice =
    R"({"id":"u-alice","fhirUser":"Practitioner/1","name":"Alice Smith","scopes":["user/*.rs","openid"]})";

template <class T>
using Outcome = Expected<T, DirectoryError>;

// Waits for the callback, but never for ever: a hang fails the test instead of stalling it.
template <class T, class Call>
Outcome<T> wait_for(Call call, std::chrono::milliseconds limit = 10s) {
  auto promise = std::make_shared<std::promise<Outcome<T>>>();
  auto future = promise->get_future();
  call([promise](Outcome<T> outcome) { promise->set_value(std::move(outcome)); });
  REQUIRE(future.wait_for(limit) == std::future_status::ready);
  return future.get();
}

struct Directory {
  test::TempDir dir;
  test::LocalHttpsServer https{dir.path()};
  FakeClock clock{1'700'000'000};
  config::HttpDirectorySettings settings = [this] {
    config::HttpDirectorySettings s;
    s.base_url = https.url("/ehr/directory");
    s.bearer_token = "directory-token-0123456789";
    s.ca_file = https.ca_file();
    s.timeout_ms = 2'000;
    s.max_response_bytes = 4'096;
    s.allow_loopback = true;
    return s;
  }();

  Outcome<User> authenticate(HttpDirectory& d, std::string user, std::string password) {
    return wait_for<User>([&](Reply<User> done) { d.authenticate(user, password, done); });
  }
  Outcome<User> find_user(HttpDirectory& d, std::string id) {
    return wait_for<User>([&](Reply<User> done) { d.find_user(id, done); });
  }
  Outcome<std::vector<Patient>> find_patients(HttpDirectory& d, std::string user, std::string q) {
    return wait_for<std::vector<Patient>>(
        [&](Reply<std::vector<Patient>> done) { d.find_patients(user, q, done); });
  }
  Outcome<std::vector<Encounter>> find_encounters(HttpDirectory& d, std::string user,
                                                  std::string patient) {
    return wait_for<std::vector<Encounter>>(
        [&](Reply<std::vector<Encounter>> done) { d.find_encounters(user, patient, done); });
  }
};

TEST_CASE_METHOD(Directory, "a user who logs in is the user the directory answers with",
                 "[directory][http]") {
  https.set_answer("POST", "/ehr/directory/authenticate", {200, kAlice});
  HttpDirectory directory(settings, clock);
  auto user = authenticate(directory, "alice", "correct horse");
  REQUIRE(user);
  CHECK(user->id == "u-alice");
  CHECK(user->fhir_user == "Practitioner/1");
  CHECK(user->name == "Alice Smith");
  CHECK(user->scopes == std::vector<std::string>{"user/*.rs", "openid"});
  auto seen = https.recorded();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].body == R"({"username":"alice","password":"correct horse"})");
  CHECK(seen[0].header("content-type") == "application/json");
  CHECK(seen[0].header("authorization") == "Bearer directory-token-0123456789");  // RFC 6750 §2.1
}

TEST_CASE_METHOD(Directory, "a 401 from authenticate is invalid credentials, and is never cached",
                 "[directory][http]") {
  https.set_answer("POST", "/ehr/directory/authenticate", {401, ""});
  HttpDirectory directory(settings, clock);
  auto first = authenticate(directory, "alice", "wrong");
  REQUIRE_FALSE(first);
  CHECK(first.error() == DirectoryError::invalid_credentials);
  https.set_answer("POST", "/ehr/directory/authenticate", {200, kAlice});
  CHECK(authenticate(directory, "alice", "right"));
  CHECK(https.requests() == 2);
}

TEST_CASE_METHOD(Directory, "a user is looked up by an id that stays one path segment",
                 "[directory][http]") {
  https.set_answer("GET", "/ehr/directory/users/u-alice", {200, kAlice});
  https.set_answer("GET", "/ehr/directory/users/nobody", {404, R"({"error":"not found"})"});
  HttpDirectory directory(settings, clock);
  auto alice = find_user(directory, "u-alice");
  REQUIRE(alice);
  CHECK(alice->fhir_user == "Practitioner/1");
  auto nobody = find_user(directory, "nobody");
  REQUIRE_FALSE(nobody);
  CHECK(nobody.error() == DirectoryError::not_found);
  auto slashed = find_user(directory, "../admin?x#y");
  REQUIRE_FALSE(slashed);  // the server knows no such path: the document, not a user
  auto seen = https.recorded();
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].target == "/ehr/directory/users/u-alice");
  CHECK(seen[0].header("authorization") == "Bearer directory-token-0123456789");
  CHECK(seen[2].target == "/ehr/directory/users/..%2Fadmin%3Fx%23y");
  SECTION("ids that name no segment are not asked for") {
    auto dots = find_user(directory, "..");
    REQUIRE_FALSE(dots);
    CHECK(dots.error() == DirectoryError::not_found);
    CHECK(https.requests() == 3);
  }
}

TEST_CASE_METHOD(Directory, "an answer about another user than the one asked for is unavailable",
                 "[directory][http]") {
  https.set_answer("GET", "/ehr/directory/users/u-bob", {200, kAlice});
  HttpDirectory directory(settings, clock);
  auto bob = find_user(directory, "u-bob");
  REQUIRE_FALSE(bob);
  CHECK(bob.error() == DirectoryError::unavailable);
}

TEST_CASE_METHOD(Directory, "patients come from the directory, asked for with the user and query",
                 "[directory][http]") {
  https.set_answer("GET", "/ehr/directory/patients",
                   {200, R"([{"id":"p1","name":"Ann Lee","birthDate":"1970-02-03"},{"id":"p2"}])"});
  HttpDirectory directory(settings, clock);
  auto patients = find_patients(directory, "u-alice", "lee & co");
  REQUIRE(patients);
  REQUIRE(patients->size() == 2);
  CHECK((*patients)[0].id == "p1");
  CHECK((*patients)[0].name == "Ann Lee");
  CHECK((*patients)[0].birth_date == "1970-02-03");
  CHECK((*patients)[1].name.empty());
  auto seen = https.recorded();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].target == "/ehr/directory/patients?user=u-alice&q=lee%20%26%20co");
  CHECK(seen[0].header("authorization") == "Bearer directory-token-0123456789");
}

TEST_CASE_METHOD(Directory, "encounters come from the directory for one patient and user",
                 "[directory][http]") {
  https.set_answer("GET", "/ehr/directory/patients/p%2F1/encounters",
                   {200, R"([{"id":"e1","period":{"start":"2024-01-02","end":"2024-01-05"},
                  "type":{"coding":[{"code":"AMB","display":"ambulatory"}]}},
                 {"id":"e2","period":"last week","type":"Emergency"}])"});
  HttpDirectory directory(settings, clock);
  auto encounters = find_encounters(directory, "u alice", "p/1");
  REQUIRE(encounters);
  REQUIRE(encounters->size() == 2);
  CHECK((*encounters)[0].period == "2024-01-02 to 2024-01-05");
  CHECK((*encounters)[0].type == "ambulatory");
  CHECK((*encounters)[1].period == "last week");
  CHECK((*encounters)[1].type == "Emergency");
  auto seen = https.recorded();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].target == "/ehr/directory/patients/p%2F1/encounters?user=u%20alice");
}

TEST_CASE_METHOD(Directory, "whatever else the directory answers, each call is unavailable",
                 "[directory][http]") {
  // CONTRACT: "A directory that is down or slow gives the app a clean error", never a crash.
  // Which list calls may take the answer: a list of {"id"} is a fine patient list and encounter
  // list, and patients ignore an encounter's period and type. Nothing here is a user.
  struct Case {
    CannedAnswer answer;
    bool patients_fine = false;
    bool encounters_fine = false;
  };
  const Case c =
      GENERATE(Case{{500, "oops"}}, Case{{503, ""}}, Case{{403, "{}"}}, Case{{302, ""}},
               Case{{200, "not json"}}, Case{{200, R"({"id":)"}},
               Case{{200, std::string(5'000, ' ') + "[]"}},  // over max_response_bytes
               Case{{200, R"({"id":"u-alice","fhirUser":"Practitioner/1","scopes":"user/*.rs"})"}},
               Case{{200, R"({"id":7,"fhirUser":"Practitioner/1","scopes":[]})"}},
               Case{{200, R"([{"id":"p1"}])"}, true, true}, Case{{200, R"({"id":"p1"})"}},
               Case{{200, R"([{"id":"p1","name":["Ann"]}])"}, false, true},
               Case{{200, R"([{"id":"e1","period":{"start":2024}}])"}, true, false},
               Case{{200, R"([{"id":"e1","type":{"text":true}}])"}, true, false});
  const CannedAnswer& answer = c.answer;
  https.set_answer("POST", "/ehr/directory/authenticate", answer);
  for (const char* path : {"/users/u-alice", "/patients", "/patients/p1/encounters"}) {
    https.set_answer("GET", std::string("/ehr/directory") + path, answer);
  }
  HttpDirectory directory(settings, clock);
  auto login = authenticate(directory, "alice", "pw");
  auto user = find_user(directory, "u-alice");
  auto patients = find_patients(directory, "u-alice", "");
  auto encounters = find_encounters(directory, "u-alice", "p1");
  REQUIRE_FALSE(login);
  CHECK(login.error() == DirectoryError::unavailable);
  REQUIRE_FALSE(user);
  CHECK(user.error() == DirectoryError::unavailable);
  CHECK(bool(patients) == c.patients_fine);
  if (!patients) CHECK(patients.error() == DirectoryError::unavailable);
  CHECK(bool(encounters) == c.encounters_fine);
  if (!encounters) CHECK(encounters.error() == DirectoryError::unavailable);
}

TEST_CASE_METHOD(Directory, "a slow directory is given up on at the timeout, not waited for",
                 "[directory][http]") {
  settings.timeout_ms = 300;
  https.set_answer("POST", "/ehr/directory/authenticate", {200, kAlice, 5s});
  HttpDirectory directory(settings, clock);
  const auto started = std::chrono::steady_clock::now();
  auto login =
      wait_for<User>([&](Reply<User> done) { directory.authenticate("alice", "pw", done); }, 3s);
  CHECK(std::chrono::steady_clock::now() - started < 3s);
  REQUIRE_FALSE(login);
  CHECK(login.error() == DirectoryError::unavailable);
}

// A port on loopback that refuses connections: bound, never listening.
struct ClosedPort {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  std::uint16_t port = 0;
  ClosedPort() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t size = sizeof address;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
    port = ntohs(address.sin_port);
  }
  ~ClosedPort() { ::close(fd); }
};

TEST_CASE_METHOD(Directory, "a directory that is down is unavailable", "[directory][http]") {
  ClosedPort closed;
  settings.base_url = "https://127.0.0.1:" + std::to_string(closed.port) + "/ehr";
  HttpDirectory directory(settings, clock);
  auto login = authenticate(directory, "alice", "pw");
  REQUIRE_FALSE(login);
  CHECK(login.error() == DirectoryError::unavailable);
  auto user = find_user(directory, "u-alice");
  REQUIRE_FALSE(user);
  CHECK(user.error() == DirectoryError::unavailable);
}

TEST_CASE_METHOD(Directory, "a loopback directory is refused unless the operator allowed loopback",
                 "[directory][http]") {
  settings.allow_loopback = false;  // allow_private_addresses stays true: it never opens loopback
  https.set_answer("GET", "/ehr/directory/users/u-alice", {200, kAlice});
  HttpDirectory directory(settings, clock);
  auto user = find_user(directory, "u-alice");
  REQUIRE_FALSE(user);
  CHECK(user.error() == DirectoryError::unavailable);
  CHECK(https.requests() == 0);
}

TEST_CASE_METHOD(Directory, "a user found is served from the cache until its time is up",
                 "[directory][http]") {
  settings.user_cache_s = 60;
  https.set_answer("GET", "/ehr/directory/users/u-alice", {200, kAlice});
  HttpDirectory directory(settings, clock);
  REQUIRE(find_user(directory, "u-alice"));
  clock.advance(59);
  auto again = find_user(directory, "u-alice");
  REQUIRE(again);
  CHECK(again->name == "Alice Smith");
  CHECK(https.requests() == 1);
  clock.advance(1);
  REQUIRE(find_user(directory, "u-alice"));
  CHECK(https.requests() == 2);
}

TEST_CASE_METHOD(Directory, "failures are never cached", "[directory][http]") {
  HttpDirectory directory(settings, clock);
  https.set_answer("GET", "/ehr/directory/users/u-alice", {404, ""});
  CHECK_FALSE(find_user(directory, "u-alice"));
  https.set_answer("GET", "/ehr/directory/users/u-alice", {500, ""});
  CHECK_FALSE(find_user(directory, "u-alice"));
  https.set_answer("GET", "/ehr/directory/users/u-alice", {200, kAlice});
  CHECK(find_user(directory, "u-alice"));
  CHECK(https.requests() == 3);
}

TEST_CASE_METHOD(Directory, "with the cache off every lookup asks the directory",
                 "[directory][http]") {
  settings.user_cache_s = 0;
  https.set_answer("GET", "/ehr/directory/users/u-alice", {200, kAlice});
  HttpDirectory directory(settings, clock);
  CHECK(find_user(directory, "u-alice"));
  CHECK(find_user(directory, "u-alice"));
  CHECK(https.requests() == 2);
}

TEST_CASE_METHOD(Directory, "a call in flight when the adapter is destroyed still gets an answer",
                 "[directory][http]") {
  settings.timeout_ms = 60'000;
  https.set_answer("GET", "/ehr/directory/users/u-alice", {200, kAlice, 60s});
  std::promise<Outcome<User>> promise;
  auto future = promise.get_future();
  {
    HttpDirectory directory(settings, clock);
    directory.find_user("u-alice",
                        [&promise](Outcome<User> o) { promise.set_value(std::move(o)); });
    while (https.requests() == 0) std::this_thread::yield();
  }
  REQUIRE(future.wait_for(10s) == std::future_status::ready);
  auto outcome = future.get();
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error() == DirectoryError::unavailable);
}

}  // namespace
}  // namespace sa::directory
