// The authorization endpoint and the pages behind it (RFC 6749 §4.1, SMART App Launch 2.2 "App
// Launch"): GET/POST /auth/authorize checks the request and starts a server-side transaction;
// then login (unless a login session or an EHR launch already says who the user is), patient and
// encounter pickers when the scopes need a context the launch did not give, consent unless a
// remembered approval or a pre-approved client covers it, and finally a single-use code on a 303
// to the app. Every step reloads the transaction through its cookie, checks the CSRF token on
// POSTs and saves the transaction before it renders a page. Pure logic lives in request.hpp,
// scope_grant.hpp and redirect.hpp; storage in code_store.hpp and flow_store.hpp.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "authorize/code_store.hpp"
#include "authorize/flow_store.hpp"
#include "authorize/login_throttle.hpp"
#include "authorize/pages.hpp"
#include "clients/client_store.hpp"
#include "config/config.hpp"
#include "crypto/random.hpp"
#include "directory/directory.hpp"
#include "http/router.hpp"
#include "launch/launch_store.hpp"
#include "obs/metrics.hpp"
#include "util/clock.hpp"
#include "util/worker_pool.hpp"

namespace sa::authorize {

namespace paths {
inline constexpr std::string_view kAuthorize = "/auth/authorize";
inline constexpr std::string_view kLogin = "/auth/authorize/login";
inline constexpr std::string_view kPatient = "/auth/authorize/patient";
inline constexpr std::string_view kEncounter = "/auth/authorize/encounter";
inline constexpr std::string_view kConsent = "/auth/authorize/consent";
}  // namespace paths

// The SMART App Launch 2.2 capabilities this flow provides (Conformance: capabilities), listed
// in discovery when the flow is wired in: EHR and standalone launch, POST to authorize, public
// clients, patient and encounter context from the EHR or the pickers, the banner and style
// hints in the launch context, and patient/ and user/ scopes in v1 and v2 syntax.
inline constexpr std::array<std::string_view, 14> kCapabilities = {
    "launch-ehr",          "launch-standalone",          "authorize-post",
    "client-public",       "context-ehr-patient",        "context-ehr-encounter",
    "context-standalone-patient", "context-standalone-encounter", "context-banner",
    "context-style",       "permission-patient",         "permission-user",
    "permission-v1",       "permission-v2"};

// The scopes this flow grants, for discovery's scopes_supported (SMART App Launch 2.2
// Conformance: the server MUST support every scope it lists): the identity scopes (OIDC Core
// §5.4 openid and profile, SMART fhirUser), the launch context scopes, and patient/ and user/
// wildcards in v2 and v1 syntax. offline_access and online_access are listed with the refresh
// grant that gives them their meaning (oauth/grants/refresh_token.hpp).
inline constexpr std::array<std::string_view, 12> kAdvertisedScopes = {
    "openid",         "fhirUser",         "profile",        "launch",
    "launch/patient", "launch/encounter", "patient/*.rs",   "patient/*.cruds",
    "user/*.rs",      "user/*.cruds",     "patient/*.read", "user/*.read"};

struct FlowDeps {
  const config::Config& config;
  clients::ClientStore& clients;
  directory::Directory& directory;
  launch::LaunchStore& launches;
  CodeStore& codes;
  FlowStore& flow;
  const Pages& pages;
  LoginThrottle& throttle;
  const Clock& clock;
  crypto::Random& random;
  obs::Metrics& metrics;
  // Continuations of store and directory callbacks run here, never on the store's writer thread
  // or the fetch thread.
  WorkerPool& workers;
  std::string default_smart_style_url;
};

class AuthorizeFlow {
 public:
  explicit AuthorizeFlow(FlowDeps deps);
  ~AuthorizeFlow();
  AuthorizeFlow(const AuthorizeFlow&) = delete;
  AuthorizeFlow& operator=(const AuthorizeFlow&) = delete;

  http::Handler start() const;             // GET and POST kAuthorize
  http::Handler login() const;             // POST kLogin
  http::Handler search_patients() const;   // GET kPatient (?q=)
  http::Handler choose_patient() const;    // POST kPatient
  http::Handler choose_encounter() const;  // POST kEncounter
  http::Handler consent() const;           // POST kConsent

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sa::authorize
