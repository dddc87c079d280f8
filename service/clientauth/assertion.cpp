#include "clientauth/assertion.hpp"

#include <rapidjson/document.h>

#include <cmath>
#include <limits>
#include <set>

#include "util/strings.hpp"

namespace sa::clientauth {
namespace {

using crypto::JwsAlg;
using crypto::JwsStatus;
using crypto::KeyType;

AssertionFailure from_jws(JwsStatus s) {
  switch (s) {
    case JwsStatus::AlgNone: return AssertionFailure::AlgNone;
    case JwsStatus::MissingAlg:
    case JwsStatus::UnsupportedAlg: return AssertionFailure::UnsupportedAlg;
    case JwsStatus::AlgMismatch:
    case JwsStatus::KeyAlgMismatch:
    case JwsStatus::KeyTooSmall: return AssertionFailure::KeyAlgMismatch;
    case JwsStatus::BadSignatureLength:
    case JwsStatus::BadSignature:
    case JwsStatus::SigningFailed: return AssertionFailure::BadSignature;
    case JwsStatus::Ok: return AssertionFailure::Ok;
    case JwsStatus::TooLarge:
    case JwsStatus::Malformed:
    case JwsStatus::BadBase64:
    case JwsStatus::BadHeaderJson:
    case JwsStatus::UnsupportedCrit: return AssertionFailure::Malformed;
  }
  return AssertionFailure::Malformed;
}

// RFC 7519 §2 NumericDate: a JSON number of seconds, possibly fractional.
bool read_date(const rapidjson::Value& v, std::optional<std::int64_t>& out) {
  if (!v.IsNumber()) return false;
  double d = v.GetDouble();
  if (!std::isfinite(d) || d < 0 || d > 1e15) return false;
  out = static_cast<std::int64_t>(std::floor(d));
  return true;
}

bool read_string(const rapidjson::Value& v, std::optional<std::string>& out) {
  if (!v.IsString()) return false;
  out = std::string(v.GetString(), v.GetStringLength());
  return true;
}

std::optional<AssertionClaims> read_claims(const std::string& payload) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
      payload.data(), payload.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  AssertionClaims c;
  std::set<std::string_view> seen;
  for (const auto& m : doc.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    // RFC 7519 §4: duplicate claim names are rejected, never resolved by picking one.
    if (!seen.insert(name).second) return std::nullopt;
    bool ok = true;
    if (name == "iss") ok = read_string(m.value, c.iss);
    if (name == "sub") ok = read_string(m.value, c.sub);
    if (name == "jti") ok = read_string(m.value, c.jti);
    if (name == "exp") ok = read_date(m.value, c.exp);
    if (name == "nbf") ok = read_date(m.value, c.nbf);
    if (name == "aud") {
      // RFC 7519 §4.1.3: a string or an array of strings.
      if (m.value.IsString()) {
        c.aud.emplace_back(m.value.GetString(), m.value.GetStringLength());
      } else if (m.value.IsArray()) {
        for (const auto& a : m.value.GetArray()) {
          if (!a.IsString()) return std::nullopt;
          c.aud.emplace_back(a.GetString(), a.GetStringLength());
        }
      } else {
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
  }
  return c;
}

bool key_fits_alg(KeyType type, JwsAlg alg) {
  switch (alg) {
    case JwsAlg::RS256:
    case JwsAlg::RS384: return type == KeyType::RSA;
    case JwsAlg::ES256: return type == KeyType::EC_P256;
    case JwsAlg::ES384: return type == KeyType::EC_P384;
  }
  return false;
}

}  // namespace

std::string_view to_string(AssertionFailure f) {
  switch (f) {
    case AssertionFailure::Ok: return "ok";
    case AssertionFailure::BadType: return "bad_assertion_type";
    case AssertionFailure::Malformed: return "malformed_assertion";
    case AssertionFailure::AlgNone: return "alg_none";
    case AssertionFailure::UnsupportedAlg: return "unsupported_alg";
    case AssertionFailure::MissingKid: return "missing_kid";
    case AssertionFailure::BadTyp: return "bad_typ";
    case AssertionFailure::JkuMismatch: return "jku_mismatch";
    case AssertionFailure::BadClaims: return "bad_claims";
    case AssertionFailure::IssSubMismatch: return "iss_sub_mismatch";
    case AssertionFailure::ClientIdMismatch: return "client_id_mismatch";
    case AssertionFailure::UnknownClient: return "unknown_client";
    case AssertionFailure::AudMismatch: return "aud_mismatch";
    case AssertionFailure::MissingExp: return "missing_exp";
    case AssertionFailure::Expired: return "expired";
    case AssertionFailure::ExpTooFar: return "exp_too_far";
    case AssertionFailure::NotYetValid: return "not_yet_valid";
    case AssertionFailure::MissingJti: return "missing_jti";
    case AssertionFailure::Replayed: return "replayed";
    case AssertionFailure::NoKeysRegistered: return "no_keys_registered";
    case AssertionFailure::JwksUnavailable: return "jwks_unavailable";
    case AssertionFailure::JwksInvalid: return "jwks_invalid";
    case AssertionFailure::UnknownKid: return "unknown_kid";
    case AssertionFailure::AmbiguousKid: return "ambiguous_kid";
    case AssertionFailure::KeyAlgMismatch: return "key_alg_mismatch";
    case AssertionFailure::BadSignature: return "bad_signature";
  }
  return "unknown";
}

Expected<ParsedAssertion, AssertionFailure> parse_assertion(std::string_view compact) {
  // crypto::parse_compact refuses "none" and HMAC by name (SMART CCA: RS384/ES384, RFC 8725 §3.1).
  auto jws = crypto::parse_compact(compact);
  if (!jws) return unexpected(from_jws(jws.error()));
  const auto& header = jws->header;
  // SMART CCA: the header carries kid; the key is chosen by it.
  if (!header.kid || header.kid->empty()) return unexpected(AssertionFailure::MissingKid);
  // SMART CCA: typ is "JWT" (RFC 7519 §5.1: compare case-insensitively).
  if (header.typ && !iequals(*header.typ, "JWT")) return unexpected(AssertionFailure::BadTyp);
  auto claims = read_claims(jws->payload);
  if (!claims) return unexpected(AssertionFailure::BadClaims);
  return ParsedAssertion{std::move(*jws), std::move(*claims)};
}

AssertionFailure check_assertion(const ParsedAssertion& a, const clients::ClientRecord& client,
                                 const AssertionPolicy& policy, std::int64_t now) {
  const auto& c = a.claims;
  // RFC 7523 §3 items 1-2; SMART CCA: iss and sub both the client_id.
  if (!c.iss || !c.sub || *c.iss != client.client_id || *c.sub != client.client_id) {
    return AssertionFailure::IssSubMismatch;
  }
  // SMART CCA: a jku is honoured only if it is the jwks_uri registered for the client.
  if (a.jws.header.jku && (client.jwks_uri.empty() || *a.jws.header.jku != client.jwks_uri)) {
    return AssertionFailure::JkuMismatch;
  }
  // RFC 7523 §3 item 3: aud identifies the authorization server's token endpoint.
  bool aud_ok = false;
  for (const auto& aud : c.aud) aud_ok = aud_ok || aud == policy.token_endpoint_url;
  if (!aud_ok) return AssertionFailure::AudMismatch;
  // RFC 7523 §3 item 4: exp required and not passed (small skew allowed).
  if (!c.exp) return AssertionFailure::MissingExp;
  const std::int64_t skew = policy.clock_skew_s;
  if (now > *c.exp + skew) return AssertionFailure::Expired;
  // SMART CCA: exp no more than five minutes in the future.
  if (*c.exp > now + static_cast<std::int64_t>(policy.max_lifetime_s) + skew) {
    return AssertionFailure::ExpTooFar;
  }
  // RFC 7523 §3 item 5: nbf optional; if present, not in the future. iat is never required
  // (SMART CCA; Inferno omits it).
  if (c.nbf && *c.nbf > now + skew) return AssertionFailure::NotYetValid;
  // SMART CCA: jti required, for the replay check (RFC 7523 §3 item 7).
  if (!c.jti || c.jti->empty()) return AssertionFailure::MissingJti;
  return AssertionFailure::Ok;
}

AssertionFailure verify_assertion_signature(const ParsedAssertion& a, const crypto::JwkSet& keys) {
  const auto& header = a.jws.header;
  const crypto::JwksEntry* chosen = nullptr;
  bool kid_seen = false;
  int candidates = 0;
  for (const auto& entry : keys.keys) {
    if (!entry.kid || *entry.kid != *header.kid) continue;
    if (entry.use && *entry.use != "sig") continue;
    kid_seen = true;
    // SMART CCA: kty consistent with alg (RSA for RS*, EC with the alg's curve for ES*), and a
    // published alg, if any, must be the header's.
    if (!key_fits_alg(entry.type, header.alg)) continue;
    if (entry.alg && *entry.alg != crypto::to_string(header.alg)) continue;
    chosen = &entry;
    ++candidates;
  }
  if (!kid_seen) return AssertionFailure::UnknownKid;
  if (candidates == 0) return AssertionFailure::KeyAlgMismatch;
  if (candidates > 1) return AssertionFailure::AmbiguousKid;  // SMART CCA: exactly one key
  // Through the verifier prepared when the key set was parsed (no per-signature set-up).
  return from_jws(chosen->verify(a.jws, header.alg));
}

}  // namespace sa::clientauth
