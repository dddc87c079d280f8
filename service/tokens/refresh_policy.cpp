#include "tokens/refresh_policy.hpp"

namespace sa::tokens {

std::string_view to_string(RefreshVerdict verdict) {
  switch (verdict) {
    case RefreshVerdict::rotate:
      return "rotate";
    case RefreshVerdict::wrong_client:
      return "wrong_client";
    case RefreshVerdict::expired:
      return "expired";
    case RefreshVerdict::revoked:
      return "revoked";
    case RefreshVerdict::session_ended:
      return "session_ended";
    case RefreshVerdict::reused:
      return "reused";
  }
  return "unknown";  // unreachable: the switch is exhaustive, -Wswitch enforces it
}

RefreshVerdict judge_refresh(const RefreshLookup& lookup, std::string_view client_id,
                             std::int64_t now, const RefreshRules& rules) {
  const RefreshTokenRecord& token = lookup.token;
  const GrantRecord& grant = lookup.grant;
  // RFC 6749 §6: the token is bound to the client it was issued to. First, so that another
  // client learns nothing of the family and cannot get it revoked.
  if (grant.client_id != client_id) return RefreshVerdict::wrong_client;
  // RFC 6749 §5.2 (invalid_grant: revoked). A family with no refresh tokens by its grant (neither
  // offline_access nor online_access) cannot have a valid one either.
  if (grant.revoked_at || grant.refresh == RefreshKind::none) return RefreshVerdict::revoked;
  // RFC 9700 §4.14.2: a rotated-out token presented again means two parties hold the family;
  // ahead of expiry, because the family's newer tokens may still be live. The grace window
  // admits an app's own concurrent refreshes: retired_at + reuse_grace_s is its last second.
  if (token.retired_at && now - *token.retired_at > std::int64_t{rules.reuse_grace_s}) {
    return RefreshVerdict::reused;
  }
  // RFC 6749 §5.2: expires_at is the first second the token is no longer valid.
  if (now >= token.expires_at) return RefreshVerdict::expired;
  if (grant.refresh == RefreshKind::online) {
    // SMART App Launch 2.2 "online_access": valid only while the user's login session is, by the
    // same deadlines the authorize pages apply (SqliteFlowStore::find_session).
    if (!lookup.session) return RefreshVerdict::session_ended;
    if (now >= lookup.session->expires_at) return RefreshVerdict::session_ended;
    if (now >= lookup.session->last_seen + std::int64_t{rules.session_idle_timeout_s}) {
      return RefreshVerdict::session_ended;
    }
  }
  return RefreshVerdict::rotate;
}

}  // namespace sa::tokens
