// What the two launched-app grants (authorization_code, refresh_token) both issue: an RFC 9068
// access token for the app's FHIR base with the launch context claims, its record (with the JWT's
// hash, for introspection), an id_token when `openid` is in scope, and fresh refresh tokens. It
// decides nothing about whether to issue: the grants do, each in its own file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "crypto/random.hpp"
#include "oauth/grants/grant.hpp"
#include "store/database.hpp"
#include "tokens/access_token.hpp"
#include "tokens/grant_store.hpp"
#include "tokens/id_token.hpp"
#include "tokens/token_store.hpp"
#include "util/clock.hpp"

namespace sa::oauth {

// What both grants are built from (app/routes.cpp hands in the components).
struct AppTokenDeps {
  const config::Config& config;
  const tokens::AccessTokenIssuer& access_tokens;
  const tokens::IdTokenIssuer& id_tokens;
  tokens::TokenStore& tokens;
  tokens::GrantStore& grants;
  const Clock& clock;
  crypto::Random& random;
};

// Who and what the tokens are about: the code's, or the grant's on refresh.
struct AppSubject {
  std::string grant_id;
  std::string client_id;
  std::string user_id;
  std::string fhir_user;
  std::string user_name;
  std::int64_t auth_time = 0;
  std::string aud;
  std::optional<std::string> context_json;
};

struct AppTokens {
  tokens::IssuedAccessToken access;
  tokens::AccessTokenRecord record;  // to insert in the request's one write
  std::optional<std::string> id_token;
};

// The stored key of the credential a grant presents in form field `field`, made by `key_of`:
// REQUIRED, so invalid_request when missing or empty. A `code` (RFC 6749 §4.1.3) is stored as
// crypto::sha256_b64url (§10.10), a `refresh_token` (§6) by tokens::refresh_token_key (§10.4).
Expected<std::string, Error> presented_hash(const Form& form, std::string_view field,
                                            std::string (*key_of)(std::string_view));

// A failed store read of that credential (`what`: "code", "refresh token"): unknown is
// invalid_grant, exactly 400 (TOKEN-2, REFRESH-7); anything else is server_error.
Error lookup_error(store::StoreStatus status, std::string_view what);

// Whether an id_token comes with the access token: with a code exchange whenever `openid` was
// granted (OIDC Core §3.1.3.3); with a refresh only if tokens.id_token_on_refresh (§12.2).
enum class IdTokenRule { when_openid, never };

// Signs the access token (and the id_token when the rule and `openid` in scope call for it).
// server_error when a key is missing or signing fails.
Expected<AppTokens, Error> issue_app_tokens(const AppTokenDeps& deps, const AppSubject& subject,
                                            const std::string& scope,
                                            const std::optional<std::string>& nonce,
                                            IdTokenRule id_token_rule);

struct MintedRefresh {
  std::string token;  // for the response only: stored as its hash
  tokens::RefreshTokenRecord record;
};

// A refresh token of 256 random bits (RFC 6749 §10.10, RFC 9700 §4.14), stored hashed, issued
// at `now`; `clock` orders its key (crypto::ordered_token).
MintedRefresh mint_refresh(crypto::Random& random, const Clock& clock, std::string grant_id,
                           std::string scope, std::int64_t now, std::int64_t expires_at);

// The steps of the request's one write, in order; the first non-ok status ends it (and the
// Database undoes the whole write). Empty steps are skipped.
store::Database::WriteFn in_order(std::vector<store::Database::WriteFn> steps);

// The token response of a launched app (RFC 6749 §5.1, SMART App Launch 2.2): the launch
// context members exactly as the launch and authorize stored them.
Granted app_response(const AppTokens& tokens, std::optional<std::string> refresh_token,
                     std::optional<std::string> context_json);

}  // namespace sa::oauth
