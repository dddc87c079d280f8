// Storage of authorization codes (table authorization_codes). The code itself is never stored,
// only its SHA-256 hash (RFC 6749 §10.10). A code is single use: consume() marks it used in one
// write, so a second use is told apart (and its grant_id returned, RFC 6749 §4.1.2: tokens issued
// from a reused code are revoked). SqliteCodeStore (sqlite_code_store.hpp) is the one backend.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "store/database.hpp"

#include "store/status.hpp"
#include "util/expected.hpp"

namespace sa::authorize {

// Everything the token endpoint needs to redeem the code (RFC 6749 §4.1.3, RFC 7636 §4.6).
struct AuthorizationCode {
  std::string grant_id;  // the authorization; tokens and refresh tokens from it carry it
  std::string client_id;
  std::string redirect_uri;
  bool redirect_uri_sent = false;  // the token request must repeat redirect_uri (RFC 6749 §4.1.3)
  std::string code_challenge;      // S256
  std::optional<std::string> nonce;
  std::string user_id;             // the directory's id: `sub`
  std::string fhir_user;
  std::string user_name;
  std::int64_t auth_time = 0;
  std::string scope;                        // granted, space-separated
  std::optional<std::string> context_json;  // launch context (patient, encounter, fhirContext...)
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::string aud;  // the FHIR base the app asked for: the access token's audience (RFC 9068)
  // The login session (its id hash) the user approved in: online_access refresh tokens end with
  // it. None when sessions are off (authorize.session_lifetime_s 0).
  std::optional<std::string> session_hash;
};

// A stored code as read, before any redemption decision.
struct StoredCode {
  AuthorizationCode code;
  std::optional<std::int64_t> used_at;
};

enum class CodeError { unknown, expired, used, store_error };

struct CodeFailure {
  CodeError error = CodeError::unknown;
  std::string grant_id;  // set for `used`: the authorization whose tokens must be revoked
  std::string client_id;  // set for `used` and `expired`
};

using ConsumeCodeFn = std::function<void(Expected<AuthorizationCode, CodeFailure>)>;

class CodeStore {
 public:
  virtual ~CodeStore() = default;
  // conflict if the hash is taken.
  virtual void create(std::string code_hash, AuthorizationCode code, store::DoneFn done) = 0;
  // Checks and marks the code used in one write; done runs after it is durable, on the store's
  // writer thread (keep it short).
  virtual void consume(std::string code_hash, std::int64_t now, ConsumeCodeFn done) = 0;
  // Reads the code without changing it (the token endpoint reads, signs, then redeems in its one
  // write): not_found when no code has this hash.
  virtual Expected<StoredCode, store::StoreStatus> find(std::string_view code_hash) = 0;
  // Marks the code used at now, to run inside the request's one write: conflict, changing
  // nothing, unless the code exists, is unused and expires after now (a concurrent redemption
  // lost the race and must be treated as reuse).
  virtual store::Database::WriteFn redeem(std::string code_hash, std::int64_t now) = 0;
  // Deletes codes expired at or before now, used or not, at most `limit` rows per call.
  virtual void delete_expired(std::int64_t now, std::uint32_t limit, store::PurgedFn done) = 0;
};

}  // namespace sa::authorize
