// normalise_and_validate(): the cross-member rules of RFC 7591 §2 and SMART App Launch 2.2.
#include <algorithm>
#include <set>

#include "clients/metadata.hpp"
#include "crypto/jwks.hpp"
#include "url/rules.hpp"

namespace sa::clients {
namespace {

using oauth::ErrorCode;

oauth::Error bad_metadata(std::string description) {
  return oauth::make_error(ErrorCode::invalid_client_metadata, std::move(description));
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

void drop_duplicates(std::vector<std::string>& list) {
  std::vector<std::string> unique;
  for (auto& item : list) {
    if (!contains(unique, item)) unique.push_back(std::move(item));
  }
  list = std::move(unique);
}

std::optional<oauth::Error> check_grants_and_responses(ClientMetadata& m) {
  if (m.grant_types.empty()) m.grant_types = {"authorization_code"};  // RFC 7591 §2 default
  drop_duplicates(m.grant_types);
  for (const auto& grant : m.grant_types) {
    if (grant != "authorization_code" && grant != "refresh_token" &&
        grant != "client_credentials") {
      return bad_metadata("grant_types: unsupported grant type \"" + grant + "\"");
    }
  }
  const bool code_grant = has_grant(m, "authorization_code");
  if (m.response_types.empty() && code_grant) m.response_types = {"code"};
  drop_duplicates(m.response_types);
  for (const auto& type : m.response_types) {
    if (type != "code") return bad_metadata("response_types: unsupported \"" + type + "\"");
  }
  // RFC 7591 §2.1: authorization_code goes with the "code" response type, and only with it.
  if (code_grant != contains(m.response_types, "code")) {
    return bad_metadata(code_grant
                            ? "response_types must include code for authorization_code"
                            : "response_types code needs the authorization_code grant");
  }
  return std::nullopt;
}

std::optional<oauth::Error> check_redirect_uris(const ClientMetadata& m) {
  // RFC 7591 §2: redirect_uris is required for redirect-based flows (SMART: at least one).
  if (has_grant(m, "authorization_code") && m.redirect_uris.empty()) {
    return oauth::make_error(ErrorCode::invalid_redirect_uri,
                             "redirect_uris is required for the authorization_code grant");
  }
  for (std::size_t i = 0; i < m.redirect_uris.size(); ++i) {
    if (auto problem = url::check_client_url(m.redirect_uris[i], url::ClientUrlUse::redirect_uri)) {
      return oauth::make_error(ErrorCode::invalid_redirect_uri,
                               "redirect_uris[" + std::to_string(i) + "] " + *problem);
    }
  }
  return std::nullopt;
}

// SMART App Launch 2.2, Client Confidential Asymmetric: every key usable, with kty and kid, public
// only.
std::optional<oauth::Error> check_jwks(const std::string& jwks) {
  auto set = crypto::parse_jwks(jwks);
  if (!set) return bad_metadata("jwks: " + crypto::describe(set.error()));
  if (!set->skipped.empty()) return bad_metadata("jwks: " + crypto::describe(set->skipped[0]));
  if (set->keys.empty()) return bad_metadata("jwks: must contain at least one key");
  std::set<std::string> kids;
  for (std::size_t i = 0; i < set->keys.size(); ++i) {
    const crypto::JwksEntry& key = set->keys[i];
    const std::string at = "jwks: keys[" + std::to_string(i) + "] ";
    if (!key.kid || key.kid->empty()) return bad_metadata(at + "must have a kid");
    // SMART CCA: the token endpoint selects exactly one key by kid; duplicates are ambiguous.
    if (!kids.insert(*key.kid).second) return bad_metadata(at + "repeats kid \"" + *key.kid + "\"");
    if (key.alg && *key.alg != "RS256" && *key.alg != "RS384" && *key.alg != "ES256" &&
        *key.alg != "ES384") {
      return bad_metadata(at + "has unsupported alg \"" + *key.alg + "\"");
    }
    if (key.use && *key.use != "sig") return bad_metadata(at + "must have use \"sig\"");
  }
  return std::nullopt;
}

std::optional<oauth::Error> check_keys(const ClientMetadata& m) {
  const bool asymmetric = m.token_endpoint_auth_method == "private_key_jwt";
  // RFC 7591 §2: jwks and jwks_uri MUST NOT both be present.
  if (!m.jwks.empty() && !m.jwks_uri.empty()) {
    return bad_metadata("jwks and jwks_uri must not both be present");
  }
  if (asymmetric && m.jwks.empty() && m.jwks_uri.empty()) {
    return bad_metadata("private_key_jwt needs jwks or jwks_uri");
  }
  if (!asymmetric && (!m.jwks.empty() || !m.jwks_uri.empty())) {
    return bad_metadata(std::string(m.jwks.empty() ? "jwks_uri" : "jwks") +
                        " is only used with token_endpoint_auth_method private_key_jwt");
  }
  if (!m.jwks_uri.empty()) {
    if (auto problem = url::check_client_url(m.jwks_uri, url::ClientUrlUse::jwks_uri)) {
      return bad_metadata("jwks_uri " + *problem);
    }
  }
  if (!m.jwks.empty()) return check_jwks(m.jwks);
  return std::nullopt;
}

// RFC 6749 §3.3: scope = scope-token *( SP scope-token ), scope-token = 1*NQCHAR.
std::optional<oauth::Error> check_scope(const std::string& scope) {
  if (scope.empty()) return std::nullopt;
  bool token_started = false;
  for (char c : scope) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ') {
      if (!token_started) return bad_metadata("scope must be scope tokens separated by one space");
      token_started = false;
      continue;
    }
    const bool nqchar = u == 0x21 || (u >= 0x23 && u <= 0x5b) || (u >= 0x5d && u <= 0x7e);
    if (!nqchar) return bad_metadata("scope contains a character not allowed in a scope token");
    token_started = true;
  }
  if (!token_started) return bad_metadata("scope must be scope tokens separated by one space");
  return std::nullopt;
}

std::optional<oauth::Error> check_informational(const ClientMetadata& m) {
  struct Url {
    std::string_view name;
    const std::string& value;
    url::ClientUrlUse use;
  };
  for (Url u : {Url{"client_uri", m.client_uri, url::ClientUrlUse::link},
                Url{"logo_uri", m.logo_uri, url::ClientUrlUse::link},
                Url{"tos_uri", m.tos_uri, url::ClientUrlUse::link},
                Url{"policy_uri", m.policy_uri, url::ClientUrlUse::link},
                Url{"launch_uri", m.launch_uri, url::ClientUrlUse::launch_uri}}) {
    if (u.value.empty()) continue;
    if (auto problem = url::check_client_url(u.value, u.use)) {
      return bad_metadata(std::string(u.name) + " " + *problem);
    }
  }
  for (const auto& contact : m.contacts) {
    if (contact.empty()) return bad_metadata("contacts must not contain empty strings");
  }
  return std::nullopt;
}

}  // namespace

std::optional<oauth::Error> normalise_and_validate(ClientMetadata& m) {
  if (auto err = check_grants_and_responses(m)) return err;
  if (m.token_endpoint_auth_method.empty()) {
    m.token_endpoint_auth_method = "client_secret_basic";  // RFC 7591 §2 default
  }
  const std::string& method = m.token_endpoint_auth_method;
  if (method != "none" && !uses_client_secret(method) && method != "private_key_jwt") {
    return bad_metadata("token_endpoint_auth_method: unsupported \"" + method + "\"");
  }
  // SMART Backend Services: client_credentials is for confidential clients only.
  if (has_grant(m, "client_credentials") && method == "none") {
    return bad_metadata("grant_types: client_credentials needs a confidential client, not "
                        "token_endpoint_auth_method none");
  }
  if (auto err = check_redirect_uris(m)) return err;
  if (auto err = check_keys(m)) return err;
  if (auto err = check_scope(m.scope)) return err;
  return check_informational(m);
}

}  // namespace sa::clients
