// The `http` user directory end to end (CONTRACT "User directory adapter", issue 7): the real
// binary over verified HTTPS with `directory.adapter: http` pointing at a LocalHttpsServer that
// plays the EHR's directory. A working directory carries a whole login; one that refuses, is
// down, slow, oversized, unreadable or lying gives the user a 503 page whose link takes the app
// temporarily_unavailable with its state and iss, at once and never a hang.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <regex>
#include <string>

#include "authorize_flow_support.hpp"
#include "support/local_https_server.hpp"

using namespace sa::test;

namespace {

constexpr const char* kBearer = "dir-bearer-6f1c2e9a7b5d4c3f";
constexpr const char* kPassword = "correct-horse-4b7d";
constexpr const char* kIss = "https://localhost:8443";
constexpr auto kBound = std::chrono::seconds(5);  // far above timeout_ms: a hang fails the test
constexpr int kTimeoutMs = 500;
// A slow directory answers after twice kBound: were timeout_ms not enforced, the request would
// overrun kBound. The test server cuts the wait short when it is destroyed.
constexpr std::chrono::milliseconds kSlow = 2 * kBound;

const std::string kPractitionerScope = "launch/patient openid fhirUser patient/*.rs";
const std::string kLaunchScope = "launch openid fhirUser patient/*.rs";
const std::string kAppScope = "launch launch/patient openid fhirUser patient/*.rs user/*.rs";

const std::string kPractitioner =
    R"({"id":"prac-7","fhirUser":"Practitioner/7","name":"Dr. Ada Seven",)"
    R"("scopes":["openid","fhirUser","launch","launch/patient","launch/encounter","patient/*.rs",)"
    R"("user/*.rs"]})";
const std::string kPatientUserJson =
    R"({"id":"pat-9","fhirUser":"Patient/p-9","name":"Pat Nine",)"
    R"("scopes":["openid","fhirUser","launch/patient","patient/*.rs"]})";
const std::string kPatients =
    R"([{"id":"p-1","name":"Ann Able","birthDate":"1970-01-01"},)"
    R"({"id":"p-2","name":"Bob Baker","birthDate":"1980-02-02"}])";

// A port on 127.0.0.1 that refuses connections: bound, never listening, held for the test.
class ClosedPort {
 public:
  ClosedPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(fd_ >= 0);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0);
    REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
  }
  ~ClosedPort() { close(fd_); }
  ClosedPort(const ClosedPort&) = delete;
  ClosedPort& operator=(const ClosedPort&) = delete;
  std::string url() const { return "https://localhost:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

std::string http_directory_yaml(const std::string& base_url, const std::string& ca_file) {
  return "directory:\n"
         "  adapter: http\n"
         "  http:\n"
         "    base_url: \"" + base_url + "\"\n"
         "    bearer_token: \"" + kBearer + "\"\n"
         "    ca_file: \"" + ca_file + "\"\n"
         "    allow_loopback: true\n"
         "    timeout_ms: " + std::to_string(kTimeoutMs) + "\n"
         "    max_response_bytes: 4096\n";
}

// The service and the EHR directory it asks (base URL {ehr}/dir).
struct DirectoryFixture {
  TempDir ehr_dir;
  LocalHttpsServer ehr{ehr_dir.path()};
  AuthorizeFixture f;

  // By default the service asks `ehr` and trusts its CA; a test may point it elsewhere (a closed
  // port) or make it trust another CA.
  explicit DirectoryFixture(std::optional<std::string> base_url = {},
                            std::optional<std::string> ca_file = {})
      : f({}, http_directory_yaml(base_url.value_or(ehr.url("/dir")),
                                  ca_file.value_or(ehr.ca_file()))) {}

  void answer(const std::string& method, const std::string& path, int status,
              std::string body, std::chrono::milliseconds delay = {}) {
    ehr.set_answer(method, "/dir" + path, {status, std::move(body), delay});
  }
  std::vector<RecordedRequest> calls(const std::string& path) const {
    std::vector<RecordedRequest> out;
    for (auto& r : ehr.recorded()) {
      if (r.target.rfind("/dir" + path, 0) == 0) out.push_back(r);
    }
    return out;
  }
  // The service's whole output, complete once it has stopped (info lines are buffered).
  std::string stopped_log() {
    f.service.process.stop(SIGTERM);
    return f.service.process.log();
  }
};

bool is_html_page(const HttpResponse& r) {
  auto type = r.header("Content-Type");
  return type && type->find("text/html") != std::string::npos && !r.header("Location");
}

std::string html_unescape(std::string text) {
  const std::pair<const char*, const char*> entities[] = {
      {"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"}, {"&#x2F;", "/"}, {"&#x3D;", "="},
      {"&lt;", "<"},    {"&gt;", ">"},  {"&amp;", "&"}};
  for (auto [from, to] : entities) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + 1)) {
      text.replace(at, std::string_view(from).size(), to);
    }
  }
  return text;
}

// AUTHZ-5 (CONTRACT "User directory adapter"): the user sees a 503 page that says the EHR is not
// answering; its link is the app's redirect_uri with temporarily_unavailable, the unchanged state
// and iss (RFC 9207), so the app learns what happened.
void check_unavailable_page(const HttpResponse& r) {
  INFO(r.status << " " << r.body);
  REQUIRE(r.status == 503);
  REQUIRE(is_html_page(r));
  std::smatch m;
  REQUIRE(std::regex_search(r.body, m, std::regex("<a href=\"([^\"]*)\"")));
  std::string href = html_unescape(m.str(1));
  INFO(href);
  REQUIRE(href.rfind(std::string(kRedirect) + "?", 0) == 0);
  HttpResponse as_redirect;
  as_redirect.headers.emplace_back("Location", href);
  auto params = location_params(as_redirect);
  CHECK(params["error"] == "temporarily_unavailable");
  CHECK(params["state"] == "st-123");
  CHECK(params["iss"] == kIss);
  CHECK(params.count("code") == 0);
}

// Runs `request` and checks it finished well within kBound: the directory's timeout, not a hang.
template <class F>
HttpResponse bounded(F request) {
  auto start = std::chrono::steady_clock::now();
  HttpResponse r = request();
  CHECK(std::chrono::steady_clock::now() - start < kBound);
  return r;
}

// Answers the directory can give that the service must not believe (each is `unavailable`).
struct Broken {
  const char* what;
  int status;
  std::string body;
  std::chrono::milliseconds delay{0};
};

std::vector<Broken> broken_user_answers(const std::string& id) {
  return {
      {"500", 500, R"({"error":"boom"})"},
      {"oversized", 200,
       R"({"id":")" + id + R"(","fhirUser":"Practitioner/7","name":")" + std::string(8000, 'x') +
           R"(","scopes":["openid"]})"},
      {"garbage", 200, "<html>not json</html>"},
      {"wrong types", 200, R"({"id":7,"fhirUser":["Practitioner/7"],"scopes":"openid"})"},
      {"scopes with a non-string", 200,
       R"({"id":")" + id + R"(","fhirUser":"Practitioner/7","scopes":["openid",42]})"},
      {"an unexpected status", 302, ""},
      {"slow", 200, kPractitioner, kSlow},  // keep last
  };
}

}  // namespace

TEST_CASE("a practitioner logs in, picks a patient and approves through the http directory",
          "[directory][authorize]") {
  DirectoryFixture d;
  d.answer("POST", "/authenticate", 200, kPractitioner);
  d.answer("GET", "/users/prac-7", 200, kPractitioner);
  d.answer("GET", "/patients", 200, kPatients);
  auto client_id = d.f.register_app(kAppScope);
  auto browser = d.f.browser();

  auto login_page = browser.get(d.f.authorize_url(client_id, kPractitionerScope));
  auto picker = log_in(browser, login_page, "ada", kPassword);
  REQUIRE(is_html_page(picker));

  // CONTRACT: POST {base}/authenticate {"username","password"}, with the bearer token.
  auto auth_calls = d.calls("/authenticate");
  REQUIRE(auth_calls.size() == 1);
  CHECK(auth_calls[0].method == "POST");
  CHECK(auth_calls[0].header("Authorization") == std::string("Bearer ") + kBearer);
  auto sent = parse_json(auth_calls[0].body);
  CHECK(std::string(sent["username"].GetString()) == "ada");
  CHECK(std::string(sent["password"].GetString()) == kPassword);

  // The picker offers exactly the patients the directory answered for this user.
  auto patient_calls = d.calls("/patients");
  REQUIRE(patient_calls.size() == 1);
  CHECK(patient_calls[0].target.find("user=prac-7") != std::string::npos);
  CHECK(patient_calls[0].header("Authorization") == std::string("Bearer ") + kBearer);
  CHECK(input_values(picker.body, "patient") == std::vector<std::string>{"p-1", "p-2"});
  CHECK(picker.body.find("Ann Able") != std::string::npos);
  CHECK(picker.body.find("Bob Baker") != std::string::npos);

  // A search asks the directory with q= and shows only what it answered.
  d.answer("GET", "/patients", 200, R"([{"id":"p-2","name":"Bob Baker","birthDate":"1980-02-02"}])");
  auto searched = browser.get("/auth/authorize/patient?q=bob");
  REQUIRE(searched.status == 200);
  patient_calls = d.calls("/patients");
  REQUIRE(patient_calls.size() == 2);
  CHECK(patient_calls[1].target.find("q=bob") != std::string::npos);
  CHECK(input_values(searched.body, "patient") == std::vector<std::string>{"p-2"});

  auto consent_page = browser.post("/auth/authorize/patient",
                                   {{"csrf", input_value(searched.body, "csrf")}, {"patient", "p-2"}});
  REQUIRE(is_html_page(consent_page));
  // AUTHZ-9, AUTHZ-10: 303 with the code, the unchanged state and iss.
  auto done = approve_all(browser, consent_page);
  REQUIRE(done.status == 303);
  CHECK(done.header("Location")->rfind(kRedirect, 0) == 0);
  auto params = location_params(done);
  CHECK_FALSE(params["code"].empty());
  CHECK(params["state"] == "st-123");
  CHECK(params["iss"] == kIss);

  // Every directory call carried the bearer token; the log never shows it or the password.
  for (auto& call : d.ehr.recorded()) {
    CHECK(call.header("Authorization") == std::string("Bearer ") + kBearer);
  }
  auto log = d.stopped_log();
  CHECK(log.find(kPassword) == std::string::npos);
  CHECK(log.find(kBearer) == std::string::npos);
  REQUIRE(find_audit_event(log, "login_ok", "user", "prac-7"));
}

TEST_CASE("a patient user from the http directory gets no patient picker", "[directory][authorize]") {
  DirectoryFixture d;
  d.answer("POST", "/authenticate", 200, kPatientUserJson);
  d.answer("GET", "/users/pat-9", 200, kPatientUserJson);
  auto client_id = d.f.register_app(kAppScope);
  auto browser = d.f.browser();
  auto login_page = browser.get(d.f.authorize_url(client_id, "launch/patient openid fhirUser patient/*.rs"));
  auto consent_page = log_in(browser, login_page, "pat", kPassword);
  REQUIRE(is_html_page(consent_page));
  CHECK(consent_page.body.find("name=\"decision\"") != std::string::npos);
  CHECK(d.calls("/patients").empty());
  auto done = approve_all(browser, consent_page);
  REQUIRE(done.status == 303);
  auto params = location_params(done);
  CHECK_FALSE(params["code"].empty());
  CHECK(params["state"] == "st-123");
}

TEST_CASE("a 401 from the http directory is a wrong password, not an outage",
          "[directory][authorize]") {
  DirectoryFixture d;
  d.answer("POST", "/authenticate", 401, "");
  auto client_id = d.f.register_app(kAppScope);
  auto browser = d.f.browser();
  auto login_page = browser.get(d.f.authorize_url(client_id, kPractitionerScope));
  auto again = bounded([&] { return log_in(browser, login_page, "ada", kPassword); });
  CHECK(again.status == 401);
  REQUIRE(is_html_page(again));
  CHECK(again.body.find("Wrong username or password") != std::string::npos);
  CHECK(again.body.find("name=\"password\"") != std::string::npos);
  auto log = d.stopped_log();
  CHECK(find_audit_event(log, "login_failed", "username", "ada"));
  CHECK(audit_events(log, "authorize_unavailable").empty());
  CHECK(log.find(kPassword) == std::string::npos);
  CHECK(log.find(kBearer) == std::string::npos);
}

// Each stage runs every broken answer against one service (a new browser and transaction each):
// the answers change between requests, and "slow" comes last because the test server answers
// one connection at a time and holds that one for its whole delay.
TEST_CASE("a directory that fails at login gives the temporarily_unavailable page at once",
          "[directory][authorize]") {
  DirectoryFixture d;
  auto client_id = d.f.register_app(kAppScope);
  const auto broken = broken_user_answers("prac-7");
  for (const auto& b : broken) {
    INFO("the directory answers /authenticate: " << b.what);
    d.answer("POST", "/authenticate", b.status, b.body, b.delay);
    auto browser = d.f.browser();
    auto login_page = browser.get(d.f.authorize_url(client_id, kPractitionerScope));
    auto txn = browser.cookie("__Host-smart-auth-txn");
    REQUIRE(txn);
    check_unavailable_page(bounded([&] { return log_in(browser, login_page, "ada", kPassword); }));
    // The page's link told the app temporarily_unavailable for this state: the transaction is
    // over (cookie cleared, row gone), so the same form cannot go on to a code later.
    CHECK_FALSE(browser.cookie("__Host-smart-auth-txn"));
    browser.set_cookie("__Host-smart-auth-txn", *txn);
    CHECK(browser.post("/auth/authorize/login", {{"csrf", input_value(login_page.body, "csrf")},
                                                 {"username", "ada"},
                                                 {"password", kPassword}})
              .status == 400);
  }
  auto log = d.stopped_log();
  auto events = audit_events(log, "authorize_unavailable");
  CHECK(events.size() == broken.size());
  for (auto& e : events) CHECK(e.get("during") == "login");
  CHECK(audit_events(log, "login_failed").empty());  // an outage is no wrong password
  CHECK(log.find(kPassword) == std::string::npos);
  CHECK(log.find(kBearer) == std::string::npos);
}

TEST_CASE("a directory that fails at the patient search gives the temporarily_unavailable page",
          "[directory][authorize]") {
  const std::vector<Broken> broken = {
      {"500", 500, "[]"},
      {"a 404", 404, ""},
      {"oversized", 200,
       R"([{"id":"p-1","name":")" + std::string(8000, 'x') + R"(","birthDate":"1970-01-01"}])"},
      {"garbage", 200, "[{\"id\":"},
      {"not a list", 200, R"({"id":"p-1","name":"Ann Able"})"},
      {"wrong types", 200, R"([{"id":1,"name":["Ann"],"birthDate":19700101}])"},
      {"a list of strings", 200, R"(["p-1","p-2"])"},
      {"slow", 200, kPatients, kSlow},  // keep last
  };
  DirectoryFixture d;
  d.answer("POST", "/authenticate", 200, kPractitioner);
  auto client_id = d.f.register_app(kAppScope);
  for (const auto& b : broken) {
    INFO("the directory answers /patients: " << b.what);
    d.answer("GET", "/patients", b.status, b.body, b.delay);
    auto browser = d.f.browser();
    auto login_page = browser.get(d.f.authorize_url(client_id, kPractitionerScope));
    check_unavailable_page(bounded([&] { return log_in(browser, login_page, "ada", kPassword); }));
  }
  auto log = d.stopped_log();
  auto events = audit_events(log, "authorize_unavailable");
  CHECK(events.size() == broken.size());
  for (auto& e : events) CHECK(e.get("during") == "patient search");
}

TEST_CASE("a directory that fails at the encounter list gives the temporarily_unavailable page",
          "[directory][authorize]") {
  const std::vector<Broken> broken = {
      {"500", 500, "[]"},
      {"garbage", 200, "]["},
      {"wrong types", 200, R"([{"id":["e-1"],"period":7,"type":true}])"},
      {"oversized", 200, R"([{"id":"e-1","type":")" + std::string(8000, 'x') + R"("}])"},
      {"slow", 200, R"([{"id":"e-1"}])", kSlow},  // keep last
  };
  DirectoryFixture d;
  d.answer("POST", "/authenticate", 200, kPractitioner);
  d.answer("GET", "/users/prac-7", 200, kPractitioner);
  d.answer("GET", "/patients", 200, kPatients);
  auto client_id = d.f.register_app(kAppScope + " launch/encounter");
  for (const auto& b : broken) {
    INFO("the directory answers /patients/p-1/encounters: " << b.what);
    d.answer("GET", "/patients/p-1/encounters", b.status, b.body, b.delay);
    auto browser = d.f.browser();
    auto login_page = browser.get(
        d.f.authorize_url(client_id, "launch/patient launch/encounter openid fhirUser patient/*.rs"));
    auto picker = log_in(browser, login_page, "ada", kPassword);
    REQUIRE(is_html_page(picker));
    check_unavailable_page(bounded([&] {
      return browser.post("/auth/authorize/patient",
                          {{"csrf", input_value(picker.body, "csrf")}, {"patient", "p-1"}});
    }));
  }
  auto log = d.stopped_log();
  auto events = audit_events(log, "authorize_unavailable");
  CHECK(events.size() == broken.size());
  for (auto& e : events) CHECK(e.get("during") == "encounter list");
}

TEST_CASE("an EHR launch whose user the directory cannot look up gives the unavailable page",
          "[directory][authorize][launch]") {
  auto broken = broken_user_answers("prac-7");
  // Lying: the directory answers about someone other than the launch's user.
  broken.insert(broken.begin(),
                {"another user's record", 200,
                 R"({"id":"prac-8","fhirUser":"Practitioner/8","scopes":["openid","launch"]})"});
  DirectoryFixture d;
  auto client_id = d.f.register_app(kAppScope);
  for (const auto& b : broken) {
    INFO("the directory answers /users/prac-7: " << b.what);
    d.answer("GET", "/users/prac-7", b.status, b.body, b.delay);
    // LAUNCH-2: the EHR vouches for the user; the service still asks the directory who it is.
    auto launch = d.f.create_launch(R"({"user":"prac-7","patient":"p-1"})");
    auto browser = d.f.browser();
    const int asked = d.ehr.requests();
    check_unavailable_page(bounded([&] {
      return browser.get(d.f.authorize_url(client_id, kLaunchScope, {{"launch", launch}}));
    }));
    CHECK(d.ehr.requests() == asked + 1);  // one GET /users/prac-7, never a retry storm
  }
  auto log = d.stopped_log();
  auto events = audit_events(log, "authorize_unavailable");
  CHECK(events.size() == broken.size());
  for (auto& e : events) CHECK(e.get("during") == "user lookup");
  CHECK(log.find(kBearer) == std::string::npos);
}

TEST_CASE("a directory nobody can reach or trust gives the temporarily_unavailable page",
          "[directory][authorize][launch]") {
  SECTION("nothing listens at the directory's address: at login and at an EHR launch") {
    ClosedPort closed;
    DirectoryFixture d(closed.url() + "/dir");
    auto client_id = d.f.register_app(kAppScope);
    auto browser = d.f.browser();
    auto login_page = browser.get(d.f.authorize_url(client_id, kPractitionerScope));
    check_unavailable_page(bounded([&] { return log_in(browser, login_page, "ada", kPassword); }));
    auto launch = d.f.create_launch(R"({"user":"prac-7","patient":"p-1"})");
    auto launched = d.f.browser();
    check_unavailable_page(bounded([&] {
      return launched.get(d.f.authorize_url(client_id, kLaunchScope, {{"launch", launch}}));
    }));
    auto log = d.stopped_log();
    CHECK(find_audit_event(log, "authorize_unavailable", "during", "login"));
    CHECK(find_audit_event(log, "authorize_unavailable", "during", "user lookup"));
    CHECK(log.find(kPassword) == std::string::npos);
    CHECK(log.find(kBearer) == std::string::npos);
  }
  SECTION("the directory's certificate does not chain to directory.http.ca_file") {
    // SEC-1: the directory is HTTPS verified against the operator's CA bundle, so an impostor
    // with another CA's certificate never sees the password or the bearer token.
    TempDir other_dir;
    LocalHttpsServer other(other_dir.path());
    DirectoryFixture d({}, other.ca_file());
    d.answer("POST", "/authenticate", 200, kPractitioner);
    auto client_id = d.f.register_app(kAppScope);
    auto browser = d.f.browser();
    auto login_page = browser.get(d.f.authorize_url(client_id, kPractitionerScope));
    check_unavailable_page(bounded([&] { return log_in(browser, login_page, "ada", kPassword); }));
    CHECK(d.ehr.requests() == 0);  // the handshake failed before any request was sent
    auto log = d.stopped_log();
    CHECK(find_audit_event(log, "authorize_unavailable", "during", "login"));
  }
}

TEST_CASE("an EHR launch for a user the directory does not know is access_denied",
          "[directory][authorize][launch]") {
  DirectoryFixture d;
  d.answer("GET", "/users/prac-7", 404, "");
  auto client_id = d.f.register_app(kAppScope);
  auto launch = d.f.create_launch(R"({"user":"prac-7","patient":"p-1"})");
  auto browser = d.f.browser();
  auto r = bounded([&] {
    return browser.get(d.f.authorize_url(client_id, kLaunchScope, {{"launch", launch}}));
  });
  // AUTHZ-5: an error redirect with the exact state and iss, and no code.
  REQUIRE(r.status == 303);
  CHECK(r.header("Location")->rfind(kRedirect, 0) == 0);
  auto params = location_params(r);
  CHECK(params["error"] == "access_denied");
  CHECK(params["state"] == "st-123");
  CHECK(params["iss"] == kIss);
  CHECK(params.count("code") == 0);
}

TEST_CASE("an EHR launch through the http directory reaches consent and a code",
          "[directory][authorize][launch]") {
  DirectoryFixture d;
  d.answer("GET", "/users/prac-7", 200, kPractitioner);
  auto client_id = d.f.register_app(kAppScope);
  auto launch = d.f.create_launch(R"({"user":"prac-7","patient":"p-1"})");
  auto browser = d.f.browser();
  auto consent_page = browser.get(d.f.authorize_url(client_id, kLaunchScope, {{"launch", launch}}));
  REQUIRE(is_html_page(consent_page));
  CHECK(consent_page.body.find("name=\"password\"") == std::string::npos);  // no login page
  auto done = approve_all(browser, consent_page);
  REQUIRE(done.status == 303);
  auto params = location_params(done);
  CHECK_FALSE(params["code"].empty());
  CHECK(params["state"] == "st-123");
  REQUIRE(d.calls("/users/prac-7").size() >= 1);
  CHECK(d.calls("/users/prac-7")[0].header("Authorization") == std::string("Bearer ") + kBearer);
}
