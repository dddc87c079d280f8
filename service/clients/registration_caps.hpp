// Start-up: holds every dynamically registered client to its registration cap (CONTRACT
// "Registration policy"). Clients stored before caps existed (issue 6 finding 2.1: open
// registration let anyone take system/*.cruds) keep their stored scope, and the token endpoint
// intersects requests with that scope only; this pass trims the stored scope to the cap, so the
// same rule holds for old and new clients. Static clients hold what the YAML gives them.
//
// Running it at every start is enough; the token endpoint need not intersect with the cap per
// request: registration.max_scope and the initial access tokens are read only at start, and
// every later write of a client (registration, RFC 7592 update) is already trimmed to its cap.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "clients/client_store.hpp"
#include "clients/sqlite_client_store.hpp"
#include "util/expected.hpp"

namespace sa::clients {

struct CapSummary {
  std::size_t checked = 0;  // dynamically registered clients read
  std::size_t trimmed = 0;  // of those, clients whose scope the cap narrowed (rewritten)
};

// Reads every registered client from `rows` once; for each whose scope holds more than its cap
// (its stored max_scope, else `registration_max_scope`) writes the trimmed scope through
// `clients` (so a cache in front forgets it) and audits client_scope_capped. Idempotent. A
// client_credentials client whose cap allows no system/ scope is left with none, so the token
// endpoint refuses it invalid_scope. An error names the store failure for the operator.
Expected<CapSummary, std::string> apply_registration_caps(SqliteClientStore& rows,
                                                          ClientStore& clients,
                                                          std::string_view registration_max_scope);

}  // namespace sa::clients
