// Creating a launch once its caller is known to be the EHR (CONTRACT "EHR launch-context API"):
// the one path POST /auth/launch and the demo launcher (service/demo/) share. Checks that a bound
// client_id exists, stores the launch under the hash of a fresh random id, and audits
// launch_created (the id itself never, only its fingerprint). It neither checks the EHR API key
// nor replies: the caller does both, and audits a refusal.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "launch/launch_store.hpp"
#include "launch/routes.hpp"
#include "oauth_core/errors.hpp"
#include "util/expected.hpp"

namespace sa::launch {

struct CreatedLaunch {
  std::string launch_id;  // the handle the app receives as `launch`
  std::uint32_t expires_in = 0;
};

// Who asked, for the audit line.
struct LaunchCaller {
  std::string request_id;
  std::string remote_addr;
  std::string via;  // "ehr_api" (POST /auth/launch) or "demo_launcher"
};

// Runs on the store's writer thread, or inline when the client check fails: keep it short.
using CreateDone = std::function<void(Expected<CreatedLaunch, oauth::Error>)>;

// `launch` as parse_launch_request() returns it; created_at and expires_at are set here.
void create_launch(const LaunchServices& services, Launch launch, LaunchCaller caller,
                   CreateDone done);

}  // namespace sa::launch
