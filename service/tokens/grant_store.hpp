// Storage of grants and their refresh tokens (tables grants, refresh_tokens; migration 0008).
// A grant is one authorization from its code exchange on: the root of a refresh-token family and
// of every access token issued from it (access_tokens.grant_id), whose revocation is read from
// the grant's row (migration 0009). Refresh tokens are stored only
// as base64url SHA-256 hashes (RFC 6749 §10.4). Grants build their one durable write per request
// from the WriteFns here and TokenStore::record (issue 6 §4: one commit per token request).
// SqliteGrantStore (sqlite_grant_store.hpp) is the one backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/database.hpp"
#include "store/status.hpp"
#include "util/expected.hpp"

namespace sa::tokens {

// Whether and how the grant's refresh tokens live (SMART App Launch 2.2 "offline_access",
// "online_access").
enum class RefreshKind { none, offline, online };
std::string_view to_string(RefreshKind kind);
std::optional<RefreshKind> parse_refresh_kind(std::string_view text);

struct GrantRecord {
  std::string grant_id;
  std::string client_id;
  std::string user_id;  // `sub`
  std::string fhir_user;
  std::string user_name;
  std::int64_t auth_time = 0;
  std::string scope;                        // granted: the most any refresh may ask for
  std::optional<std::string> context_json;  // launch context, JSON object text
  std::string aud;                          // the FHIR base
  RefreshKind refresh = RefreshKind::none;
  std::optional<std::string> session_hash;  // online: the login session the family ends with
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;  // the last expiry of anything issued from it
  std::optional<std::int64_t> revoked_at;
};

// Refresh tokens are crypto::ordered_token(random, now_us, kRefreshTokenBytes): 256 random bits
// (RFC 6749 §10.10) after an ordered prefix, so that their rows append to refresh_tokens.
inline constexpr std::size_t kRefreshTokenBytes = 32;
// What refresh_tokens is keyed by (RFC 6749 §10.4: never the token): the token's ordered prefix
// followed by the SHA-256 of the whole token (base64url). A token issued before migration 0009
// (random, no prefix) is keyed by its hash alone, as it was stored then.
std::string refresh_token_key(std::string_view token);

// The expires_at a grant gets when its newest refresh token, issued at now, expires at
// `refresh_expires`: that plus an eighth of the token's lifetime. Only the purge reads a grant's
// expires_at, and with the spare a family's rotations rewrite its grant row once in many
// instead of each time (rotate()).
std::int64_t grant_expiry_covering(std::int64_t refresh_expires, std::int64_t now);

struct RefreshTokenRecord {
  std::string token_hash;  // refresh_token_key() of the token
  std::string grant_id;
  std::string scope;  // this token's: the grant's or narrower
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> retired_at;  // set when rotated out
};

// The login session an online family ends with, as stored (authorize's login_sessions).
struct SessionTimes {
  std::int64_t expires_at = 0;
  std::int64_t last_seen = 0;
};

struct RefreshLookup {
  RefreshTokenRecord token;
  GrantRecord grant;
  // online families only: the session's row, none when it is gone (ended or purged).
  std::optional<SessionTimes> session;
};

class GrantStore {
 public:
  virtual ~GrantStore() = default;

  // Inserts the grant and, when given, its first refresh token: to run inside the request's one
  // write (compose it into TokenStore::record's `first`). conflict if the grant_id or the token
  // hash is taken; constraint if the client does not exist.
  virtual store::Database::WriteFn create(GrantRecord grant,
                                          std::optional<RefreshTokenRecord> refresh) = 0;
  // Rotation (RFC 9700 §4.14.2), inside the request's one write: retires `old_hash` at now (if
  // not yet retired), inserts `next` and, when the grant's expires_at is before next.expires_at,
  // raises it to grant_expiry_covering(next.expires_at, now). Returns conflict, changing
  // nothing, unless at this instant: the old token exists, its grant is not revoked, it has not
  // expired, and it is current or was retired no more than `grace_s` seconds before now. The caller
  // judged the lookup before; conflict means another request changed it since (re-read and judge
  // again).
  virtual store::Database::WriteFn rotate(std::string old_hash, std::int64_t now,
                                          std::uint32_t grace_s, RefreshTokenRecord next) = 0;
  // not_found when no refresh token has this hash.
  virtual Expected<RefreshLookup, store::StoreStatus> find_refresh(std::string_view token_hash) = 0;
  virtual Expected<GrantRecord, store::StoreStatus> find_grant(std::string_view grant_id) = 0;
  // Ends the grant in one write: revoked_at on the grant (the first time is kept), which every
  // refresh and access token of it is read with, so all of them end too. ok if the grant does
  // not exist.
  virtual void revoke(std::string grant_id, std::int64_t now, store::DoneFn done) = 0;
  // Deletes at most `limit` refresh tokens and `limit` grants whose expires_at is at or before
  // now.
  virtual void delete_expired(std::int64_t now, std::uint32_t limit, store::PurgedFn done) = 0;
};

}  // namespace sa::tokens
