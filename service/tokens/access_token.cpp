#include "tokens/access_token.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <utility>

#include "crypto/jws.hpp"

namespace sa::tokens {
namespace {

crypto::JwsAlg jws_alg(config::AccessTokenAlg alg) {
  switch (alg) {
    case config::AccessTokenAlg::ES256:
      return crypto::JwsAlg::ES256;
    case config::AccessTokenAlg::RS256:
      return crypto::JwsAlg::RS256;
  }
  return crypto::JwsAlg::ES256;  // unreachable: the switch is exhaustive
}

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void string_member(JsonWriter& w, const char* name, const std::string& value) {
  w.Key(name);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void optional_member(JsonWriter& w, const char* name, const std::optional<std::string>& value) {
  if (value) string_member(w, name, *value);
}

}  // namespace

bool is_unrecorded_jti(std::string_view jti) {
  return jti.size() == 1 + crypto::ordered_token_chars(kJtiBytes) &&
         jti.front() == kUnrecordedJtiMarker && crypto::has_ordered_prefix(jti.substr(1));
}

AccessTokenIssuer::AccessTokenIssuer(const keys::KeyRing& keys, AccessTokenSettings settings,
                                     const Clock& clock, crypto::Random& random)
    : keys_(keys),
      settings_(std::move(settings)),
      alg_(jws_alg(settings_.alg)),
      clock_(clock),
      random_(random) {}

Expected<IssuedAccessToken, std::string> AccessTokenIssuer::issue(
    const AccessTokenRequest& request) const {
  if (request.lifetime_s <= 0) return unexpected(std::string("access token lifetime must be > 0"));
  // The snapshot holds parsed keys: no PEM parsing per token.
  auto key_set = keys_.current();
  auto signer = key_set ? key_set->signer(alg_) : nullptr;
  if (!signer || !signer->signer) {
    return unexpected("no active " + std::string(crypto::to_string(alg_)) + " signing key");
  }

  IssuedAccessToken token;
  // One reading of the clock for iat and for the jti's ordered prefix: the jti keys the
  // access_tokens b-tree, and an ordered key appends (crypto/random.hpp).
  const std::int64_t now_us = clock_.now_microseconds();
  token.issued_at = now_us / 1'000'000;
  token.jti = crypto::ordered_token(random_, now_us, kJtiBytes);
  if (request.unrecorded) token.jti.insert(token.jti.begin(), kUnrecordedJtiMarker);
  token.expires_at = token.issued_at + request.lifetime_s;
  token.scope = request.scope;

  // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti required; scope per §2.2.3.
  rapidjson::StringBuffer payload;
  JsonWriter w(payload);
  w.StartObject();
  string_member(w, "iss", settings_.issuer);
  string_member(w, "sub", request.subject);
  string_member(w, "aud", request.audience ? *request.audience : settings_.audience);
  string_member(w, "client_id", request.client_id);
  string_member(w, "scope", request.scope);
  w.Key("iat");
  w.Int64(token.issued_at);
  w.Key("exp");
  w.Int64(token.expires_at);
  string_member(w, "jti", token.jti);
  // SMART App Launch 2.2, Scopes and Launch Context: launch context by reference (ids only)
  // keeps the token small.
  optional_member(w, "patient", request.context.patient);
  optional_member(w, "encounter", request.context.encounter);
  optional_member(w, "fhirUser", request.context.fhir_user);
  w.EndObject();

  // RFC 9068 §2.1: typ "at+jwt" so the token cannot be confused with an id_token.
  // Signed through the key's prepared Signer: no per-token OpenSSL context set-up (issue 6 §4).
  auto jwt = signer->signer->sign_compact(
      crypto::JwsSignParams{.alg = alg_, .kid = signer->kid, .typ = "at+jwt"},
      std::string_view(payload.GetString(), payload.GetSize()));
  if (!jwt) {
    return unexpected("signing the access token failed: " +
                      std::string(crypto::to_string(jwt.error())));
  }
  token.jwt = std::move(*jwt);
  return token;
}

}  // namespace sa::tokens
