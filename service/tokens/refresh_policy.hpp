// Whether a presented refresh token may be rotated now: the family state machine, pure, judged
// at one instant (RFC 6749 §6, RFC 9700 §4.14.2, SMART App Launch 2.2 "offline_access" and
// "online_access"). The refresh grant reads the token (GrantStore::find_refresh), judges it
// here, and acts: rotate, or answer invalid_grant, revoking the family on reuse.
#pragma once

#include <cstdint>
#include <string_view>

#include "tokens/grant_store.hpp"

namespace sa::tokens {

enum class RefreshVerdict {
  rotate,          // current (or retired within the grace window): issue a new pair
  wrong_client,    // issued to another client: invalid_grant, nothing revoked
  expired,         // past its expires_at
  revoked,         // the family was revoked
  session_ended,   // online family whose login session is gone, expired or idle too long
  reused,          // retired longer than the grace window ago: revoke the whole family
};

std::string_view to_string(RefreshVerdict verdict);

struct RefreshRules {
  std::uint32_t reuse_grace_s = 5;
  std::uint32_t session_idle_timeout_s = 1'800;  // authorize.session_idle_timeout_s
};

// Judged in this order, the first that applies: wrong_client, revoked, reused (retired past the
// grace window, even if also expired), expired, session_ended (online only), else rotate.
RefreshVerdict judge_refresh(const RefreshLookup& lookup, std::string_view client_id,
                             std::int64_t now, const RefreshRules& rules);

}  // namespace sa::tokens
