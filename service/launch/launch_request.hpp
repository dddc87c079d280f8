// The body of POST /auth/launch (CONTRACT "EHR launch-context API"), checked strictly: JSON
// object, known members only, each of its type and within its bounds, fhirContext per SMART App
// Launch 2.2 ("Scopes and Launch Context", fhirContext). Pure: no store, no clock; whether a
// client_id exists is the endpoint's question. Every refusal is invalid_request naming the field.
#pragma once

#include <cstddef>
#include <string_view>

#include "launch/launch_store.hpp"
#include "oauth_core/errors.hpp"
#include "util/expected.hpp"

namespace sa::launch {

inline constexpr std::size_t kMaxLaunchBodyBytes = 32 * 1024;
inline constexpr std::size_t kMaxFhirContextItems = 20;

// The launch the EHR asked for; created_at and expires_at are left 0 for the caller. fhirContext
// is kept as compact JSON array text.
Expected<Launch, oauth::Error> parse_launch_request(std::string_view body);

}  // namespace sa::launch
