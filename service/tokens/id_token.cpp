#include "tokens/id_token.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <utility>

#include "crypto/jws.hpp"
#include "util/strings.hpp"

namespace sa::tokens {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void string_member(JsonWriter& w, const char* name, std::string_view value) {
  w.Key(name);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// SMART App Launch 2.2 "Scopes for requesting identity data": fhirUser is an absolute URL or
// one relative to the FHIR base; we always hand out the absolute form so an app need not guess
// the base it is relative to.
std::string absolute_reference(std::string_view reference, std::string_view fhir_base) {
  if (reference.starts_with("https://") || reference.starts_with("http://")) {
    return std::string(reference);
  }
  std::string base(fhir_base);
  while (!base.empty() && base.back() == '/') base.pop_back();
  while (!reference.empty() && reference.front() == '/') reference.remove_prefix(1);
  return base + "/" + std::string(reference);
}

}  // namespace

UserClaims user_claims(std::string_view granted_scope, std::string sub, std::string_view fhir_user,
                       std::string_view user_name, std::string_view fhir_base) {
  UserClaims claims;
  claims.sub = std::move(sub);
  // SMART App Launch 2.2: fhirUser only when the `fhirUser` scope was granted.
  if (has_item(granted_scope, "fhirUser") && !fhir_user.empty()) {
    claims.fhir_user = absolute_reference(fhir_user, fhir_base);
  }
  // OIDC Core §5.4: `profile` asks for the name claims.
  if (has_item(granted_scope, "profile") && !user_name.empty()) {
    claims.name = std::string(user_name);
  }
  return claims;
}

IdTokenIssuer::IdTokenIssuer(const keys::KeyRing& keys, std::string issuer, const Clock& clock)
    : keys_(keys), issuer_(std::move(issuer)), clock_(clock) {}

Expected<std::string, std::string> IdTokenIssuer::issue(const IdTokenRequest& request) const {
  if (request.lifetime_s <= 0) return unexpected(std::string("id_token lifetime must be > 0"));
  // SMART App Launch 2.2 (and Inferno): id_tokens are RS256, whatever signs access tokens.
  auto key_set = keys_.current();
  auto signer = key_set ? key_set->signer(crypto::JwsAlg::RS256) : nullptr;
  if (!signer || !signer->signer) return unexpected(std::string("no active RS256 signing key"));

  const auto now = clock_.now_seconds();
  // OIDC Core §2: iss, sub, aud, exp, iat required; auth_time and nonce as below.
  rapidjson::StringBuffer payload;
  JsonWriter w(payload);
  w.StartObject();
  string_member(w, "iss", issuer_);  // OIDC-10: identical to the discovery issuer
  string_member(w, "sub", request.user.sub);
  string_member(w, "aud", request.client_id);  // OIDC Core §2: the client_id
  w.Key("iat");
  w.Int64(now);
  w.Key("exp");
  w.Int64(now + request.lifetime_s);
  w.Key("auth_time");
  w.Int64(request.auth_time);
  // OIDC Core §3.1.3.6 / §2: the nonce of the authorization request, unchanged, when it had one.
  if (request.nonce) string_member(w, "nonce", *request.nonce);
  if (request.user.fhir_user) string_member(w, "fhirUser", *request.user.fhir_user);
  if (request.user.name) string_member(w, "name", *request.user.name);
  w.EndObject();

  // OIDC Core §10.1: kid names the key in the JWKS.
  auto jwt = signer->signer->sign_compact(
      crypto::JwsSignParams{.alg = crypto::JwsAlg::RS256, .kid = signer->kid, .typ = "JWT"},
      std::string_view(payload.GetString(), payload.GetSize()));
  if (!jwt) {
    return unexpected("signing the id_token failed: " +
                      std::string(crypto::to_string(jwt.error())));
  }
  return std::move(*jwt);
}

}  // namespace sa::tokens
