// POST /auth/launch (CONTRACT "EHR launch-context API"): the EHR, holding a logged-in user,
// asks for a launch handle before it opens an app. Checks the EHR API key (401, with a per-address
// limit on failures: 429), the body (launch_request.hpp; 400 invalid_request naming the field)
// and that a bound client_id exists, then stores the launch hashed (create_launch.hpp, the path
// the demo launcher shares) and answers 201 {"launch", "expires_in"}. Every decision is audited;
// the handle itself never is (only an 8-character fingerprint). It does not ask the user directory whether `user` exists.
#pragma once

#include "http/router.hpp"
#include "launch/routes.hpp"

namespace sa::launch {

http::Handler launch_endpoint(const LaunchServices& services);

}  // namespace sa::launch
