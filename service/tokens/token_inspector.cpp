#include "tokens/token_inspector.hpp"

#include <rapidjson/document.h>

#include <utility>

#include "crypto/hash.hpp"
#include "crypto/jws.hpp"
#include "util/base64url.hpp"

namespace sa::tokens {
namespace {

// What the payload of a presented JWT says about where to look for it.
struct Claimed {
  std::string jti;
  std::string aud;
  std::optional<std::string> fhir_user;
};

std::optional<std::string> string_claim(const rapidjson::Document& doc, const char* name) {
  auto member = doc.FindMember(name);
  if (member == doc.MemberEnd() || !member->value.IsString()) return std::nullopt;
  return std::string(member->value.GetString(), member->value.GetStringLength());
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
  return Claimed{std::move(*jti), string_claim(doc, "aud").value_or(""),
                 string_claim(doc, "fhirUser")};
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

Expected<InspectedAccessToken, Inactive> TokenInspector::find_access_token(
    std::string_view token) const {
  auto claimed = read_payload(token, issuer_);
  if (!claimed) return unexpected(claimed.error());
  auto record = tokens_.find(claimed->jti);
  if (!record) return unexpected(from_store(record.error()));
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
  // Rows from before migration 0008 carry no hash: the signature by the key its header names,
  // retired keys included (RFC 7515 §4.1.4 kid), proves the token is ours.
  auto parsed = crypto::parse_compact(token);
  if (!parsed) return unexpected(Inactive::malformed);
  if (!parsed->header.kid) return unexpected(Inactive::unknown);
  auto key_set = keys_.current();
  auto verifier = key_set ? key_set->verifier(*parsed->header.kid) : nullptr;
  if (!verifier || verifier->verify(*parsed) != crypto::JwsStatus::Ok) {
    return unexpected(Inactive::unknown);
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
