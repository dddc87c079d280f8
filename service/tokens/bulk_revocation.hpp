// Incident response (`smart-auth token revoke`): ends everything one client, or one user, holds
// in a single write: its grants, the current refresh token of every family, the access-token
// records (so introspection answers active:false), and the authorization codes not yet
// redeemed; for a user also the login sessions, so no new code is issued without a new login;
// for a client also its unrecorded client_credentials tokens, by a cut-off time (migration 0010).
// JWT access tokens remain verifiable offline with the JWKS until they expire: only a resource
// server that introspects sees the revocation at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "store/database.hpp"

namespace sa::tokens {

enum class Holder { client, user };

struct RevocationCounts {
  std::int64_t grants = 0;
  std::int64_t refresh_tokens = 0;
  std::int64_t access_tokens = 0;
  std::int64_t codes = 0;     // pending authorization codes deleted
  std::int64_t sessions = 0;  // login sessions ended (user only)
  std::int64_t cutoffs = 0;   // 1 when a client's unrecorded tokens were cut off (client only)
};

// The write; `counts` is filled when it commits (it must outlive the write). The first
// revocation time already stamped on a row is kept.
store::Database::WriteFn revoke_everything_of(Holder holder, std::string id, std::int64_t now,
                                              std::shared_ptr<RevocationCounts> counts);

}  // namespace sa::tokens
