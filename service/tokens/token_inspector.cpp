#include "tokens/token_inspector.hpp"

#include <rapidjson/document.h>

#include <span>
#include <utility>

#include "crypto/hash.hpp"
#include "crypto/jws.hpp"
#include "tokens/access_token.hpp"
#include "util/base64url.hpp"

namespace sa::tokens {

// What the payload of a presented JWT says about where to look for it, and (for an unrecorded
// token, once its signature is checked) everything introspection answers.
struct Claimed {
  std::string jti;
  std::string aud;
  std::optional<std::string> fhir_user;
  std::optional<std::string> client_id;
  std::optional<std::string> subject;
  std::optional<std::string> scope;
  std::optional<std::int64_t> issued_at;
  std::optional<std::int64_t> expires_at;
};

namespace {

std::optional<std::string> string_claim(const rapidjson::Document& doc, const char* name) {
  auto member = doc.FindMember(name);
  if (member == doc.MemberEnd() || !member->value.IsString()) return std::nullopt;
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

std::optional<std::int64_t> int_claim(const rapidjson::Document& doc, const char* name) {
  auto member = doc.FindMember(name);
  if (member == doc.MemberEnd() || !member->value.IsInt64()) return std::nullopt;
  return member->value.GetInt64();
}

// Reads only the compact JWS payload (RFC 7515 §7.1): three non-empty parts, a JSON object
// payload naming this issuer and a jti. Nothing here is trusted: the stored hash, or the
// signature, decides whether the token is ours.
Expected<Claimed, Inactive> read_payload(std::string_view token, std::string_view issuer) {
  if (token.size() > crypto::kMaxCompactJwsBytes) return unexpected(Inactive::malformed);
  const auto first = token.find('.');
  if (first == std::string_view::npos) return unexpected(Inactive::malformed);
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return unexpected(Inactive::malformed);
  }
  const auto header = token.substr(0, first);
  const auto payload = token.substr(first + 1, second - first - 1);
  const auto signature = token.substr(second + 1);
  if (header.empty() || payload.empty() || signature.empty()) {
    return unexpected(Inactive::malformed);
  }
  // Only the payload is decoded: the stored hash of the whole token (or parse_compact and the
  // signature, for older rows) judges the other two parts.
  auto json = base64url_decode(payload);
  if (!json) return unexpected(Inactive::malformed);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(json->data(),
                                                                                    json->size());
  if (doc.HasParseError() || !doc.IsObject()) return unexpected(Inactive::malformed);
  // RFC 7662 §2.2 / RFC 9068 §4: another issuer's token is not one this server can speak for.
  auto iss = doc.FindMember("iss");
  if (iss == doc.MemberEnd() || !iss->value.IsString() ||
      std::string_view(iss->value.GetString(), iss->value.GetStringLength()) != issuer) {
    return unexpected(Inactive::unknown);
  }
  auto jti = string_claim(doc, "jti");
  if (!jti || jti->empty()) return unexpected(Inactive::unknown);
  Claimed claimed{.jti = std::move(*jti),
                  .aud = string_claim(doc, "aud").value_or(""),
                  .fhir_user = string_claim(doc, "fhirUser")};
  if (is_unrecorded_jti(claimed.jti)) {
    // No row will say these: the token does (RFC 9068 §2.2).
    claimed.client_id = string_claim(doc, "client_id");
    claimed.subject = string_claim(doc, "sub");
    claimed.scope = string_claim(doc, "scope");
    claimed.issued_at = int_claim(doc, "iat");
    claimed.expires_at = int_claim(doc, "exp");
  }
  return claimed;
}

Inactive from_store(store::StoreStatus status) {
  return status == store::StoreStatus::not_found ? Inactive::unknown : Inactive::store_error;
}

}  // namespace

std::string_view to_string(Inactive reason) {
  switch (reason) {
    case Inactive::unknown:
      return "unknown";
    case Inactive::malformed:
      return "malformed";
    case Inactive::expired:
      return "expired";
    case Inactive::revoked:
      return "revoked";
    case Inactive::store_error:
      return "store_error";
  }
  return "unknown";
}

TokenInspector::TokenInspector(const keys::KeyRing& keys, std::string issuer, TokenStore& tokens,
                               GrantStore& grants, RefreshRules rules)
    : keys_(keys), issuer_(std::move(issuer)), tokens_(tokens), grants_(grants), rules_(rules) {}

bool TokenInspector::signed_here(std::string_view token,
                                 const crypto::Sha256Digest* remember_as) const {
  // The signature by the key the header names, retired keys included (RFC 7515 §4.1.4 kid).
  auto parsed = crypto::parse_compact(token);
  if (!parsed || !parsed->header.kid) return false;
  auto key_set = keys_.current();
  auto verifier = key_set ? key_set->verifier(*parsed->header.kid) : nullptr;
  if (!verifier) return false;  // also for a token verified before its key left the ring
  if (remember_as == nullptr) return verifier->verify(*parsed) == crypto::JwsStatus::Ok;
  if (verified_.contains(*remember_as)) return true;
  if (verifier->verify(*parsed) != crypto::JwsStatus::Ok) return false;
  verified_.remember(*remember_as);
  return true;
}

Expected<InspectedAccessToken, Inactive> TokenInspector::find_access_token(
    std::string_view token) const {
  auto claimed = read_payload(token, issuer_);
  if (!claimed) return unexpected(claimed.error());
  auto record = tokens_.find(claimed->jti);
  if (!record) {
    // An unrecorded token (client_credentials, migration 0010) has a row only once revoked.
    if (record.error() == store::StoreStatus::not_found && is_unrecorded_jti(claimed->jti)) {
      return unrecorded(token, std::move(claimed).value());
    }
    return unexpected(from_store(record.error()));
  }
  InspectedAccessToken inspected{std::move(record).value(), std::move(claimed->aud),
                                 std::move(claimed->fhir_user)};
  const auto& stored_hash = inspected.record.token_hash;
  if (stored_hash) {
    // The token exactly as issued, compared as hashes in constant time (STYLE: Secrets): a
    // forged token that names a real jti is unknown.
    if (!crypto::constant_time_equals(crypto::sha256_b64url(token), *stored_hash)) {
      return unexpected(Inactive::unknown);
    }
    return inspected;
  }
  // Rows from before migration 0008 carry no hash: the signature proves the token is ours.
  if (!signed_here(token)) return unexpected(Inactive::unknown);
  return inspected;
}

Expected<InspectedAccessToken, Inactive> TokenInspector::unrecorded(std::string_view token,
                                                                    Claimed claimed) const {
  // No row to compare with: only this server's signature makes the claims worth reading. One
  // SHA-256 of the token keys the memory of verified tokens and is the hash a revocation stores.
  const crypto::Sha256Digest digest = crypto::sha256(token);
  if (!signed_here(token, &digest)) return unexpected(Inactive::unknown);
  if (!claimed.client_id || !claimed.subject || !claimed.scope || !claimed.issued_at ||
      !claimed.expires_at) {
    return unexpected(Inactive::malformed);  // signed here, so never: RFC 9068 §2.2 claims
  }
  InspectedAccessToken inspected{
      AccessTokenRecord{.jti = std::move(claimed.jti),
                        .client_id = std::move(*claimed.client_id),
                        .subject = std::move(*claimed.subject),
                        .scope = std::move(*claimed.scope),
                        .issued_at = *claimed.issued_at,
                        .expires_at = *claimed.expires_at,
                        // What record_revoked() stores, so the row then judges it like any other
                        // (crypto::sha256_b64url of the token).
                        .token_hash = base64url_encode(std::span<const std::uint8_t>(digest))},
      std::move(claimed.aud), std::move(claimed.fhir_user)};
  auto& record = inspected.record;
  auto bounds = tokens_.client_bounds(record.client_id);
  if (!bounds) {
    if (bounds.error() != store::StoreStatus::not_found) return unexpected(Inactive::store_error);
    // RFC 7592 §2.3: deleting a client ends its tokens.
    record.revoked_at = record.issued_at;
  } else if (bounds->client_issued_at > record.issued_at) {
    // Issued before this client was registered: to a deleted client of the same id.
    record.revoked_at = record.issued_at;
  } else if (bounds->revoked_before && record.issued_at <= *bounds->revoked_before) {
    record.revoked_at = bounds->revoked_before;  // smart-auth token revoke --client
  }
  return inspected;
}

Expected<InspectedAccessToken, Inactive> TokenInspector::access_token(std::string_view token,
                                                                      std::int64_t now) const {
  auto found = find_access_token(token);
  if (!found) return found;
  if (found->record.revoked_at) return unexpected(Inactive::revoked);
  // RFC 9068 §4 / RFC 7519 §4.1.4: exp is the first instant the token is no longer valid.
  if (found->record.expires_at <= now) return unexpected(Inactive::expired);
  return found;
}

Expected<RefreshLookup, Inactive> TokenInspector::find_refresh_token(std::string_view token) const {
  if (token.empty() || token.size() > crypto::kMaxCompactJwsBytes) {
    return unexpected(Inactive::malformed);
  }
  // RFC 6749 §10.4: refresh tokens are stored only as hashes; the lookup is by that key.
  auto lookup = grants_.find_refresh(refresh_token_key(token));
  if (!lookup) return unexpected(from_store(lookup.error()));
  return std::move(lookup).value();
}

Expected<RefreshLookup, Inactive> TokenInspector::refresh_token(std::string_view token,
                                                                std::int64_t now) const {
  auto lookup = find_refresh_token(token);
  if (!lookup) return lookup;
  // A rotated-out token is no longer the family's current one (RFC 9700 §4.14.2), even within
  // the grace window the refresh grant allows for an app's own concurrent refreshes.
  if (lookup->token.retired_at) return unexpected(Inactive::revoked);
  // The rules the refresh grant judges by (refresh_policy.hpp), for a current token and its own
  // client: whatever the grant would not rotate is not active.
  switch (judge_refresh(*lookup, lookup->grant.client_id, now, rules_)) {
    case RefreshVerdict::rotate:
      return lookup;
    case RefreshVerdict::expired:
    case RefreshVerdict::session_ended:
      return unexpected(Inactive::expired);
    case RefreshVerdict::wrong_client:  // unreachable: judged for the grant's own client
    case RefreshVerdict::revoked:
    case RefreshVerdict::reused:
      return unexpected(Inactive::revoked);
  }
  return unexpected(Inactive::revoked);  // unreachable: the switch is exhaustive
}

}  // namespace sa::tokens
