#include "clientauth/credentials.hpp"

#include "util/base64url.hpp"
#include "util/strings.hpp"

namespace sa::clientauth {

std::string_view to_string(AuthMethod method) {
  switch (method) {
    case AuthMethod::none: return "none";
    case AuthMethod::client_secret_basic: return "client_secret_basic";
    case AuthMethod::client_secret_post: return "client_secret_post";
    case AuthMethod::private_key_jwt: return "private_key_jwt";
  }
  return "unknown";
}

std::string_view to_string(AuthFailure failure) {
  switch (failure) {
    case AuthFailure::NoCredentials: return "no_credentials";
    case AuthFailure::MultipleMethods: return "multiple_methods";
    case AuthFailure::MalformedBasic: return "malformed_basic";
    case AuthFailure::ClientIdMismatch: return "client_id_mismatch";
    case AuthFailure::MissingClientId: return "missing_client_id";
    case AuthFailure::MissingAssertion: return "missing_assertion";
    case AuthFailure::MissingAssertionType: return "missing_assertion_type";
    case AuthFailure::UnknownClient: return "unknown_client";
    case AuthFailure::MethodMismatch: return "method_mismatch";
    case AuthFailure::NoSecretRegistered: return "no_secret_registered";
    case AuthFailure::SecretExpired: return "secret_expired";
    case AuthFailure::SecretMismatch: return "secret_mismatch";
    case AuthFailure::BadAssertion: return "bad_assertion";
    case AuthFailure::StoreError: return "store_error";
  }
  return "unknown";
}

std::optional<BasicCredentials> decode_basic(std::string_view authorization) {
  // RFC 7617 §2 / RFC 9110 §11.1: the scheme name is case-insensitive.
  authorization = trim(authorization);
  if (authorization.size() < 6 || !iequals(authorization.substr(0, 6), "Basic ")) {
    return std::nullopt;
  }
  auto decoded = base64_decode(trim(authorization.substr(6)));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  BasicCredentials out;
  // RFC 6749 §2.3.1: id and secret are application/x-www-form-urlencoded before base64.
  if (!form_decode(std::string_view(*decoded).substr(0, colon), out.client_id) ||
      !form_decode(std::string_view(*decoded).substr(colon + 1), out.secret) ||
      out.client_id.empty()) {
    return std::nullopt;
  }
  return out;
}

Expected<Credentials, AuthFailure> read_credentials(const http::Request& request,
                                                    const oauth::Form& form) {
  auto authorization = request.header("Authorization");
  bool basic = authorization && trim(*authorization).size() >= 5 &&
               iequals(trim(*authorization).substr(0, 5), "Basic");
  bool post = form.has("client_secret");
  bool jwt = form.has("client_assertion") || form.has("client_assertion_type");
  // RFC 6749 §2.3: the client MUST NOT use more than one authentication method per request.
  if (static_cast<int>(basic) + static_cast<int>(post) + static_cast<int>(jwt) > 1) {
    return unexpected(AuthFailure::MultipleMethods);
  }
  Credentials out;
  auto body_id = form.get("client_id");
  if (basic) {
    auto decoded = decode_basic(*authorization);
    if (!decoded) return unexpected(AuthFailure::MalformedBasic);
    if (body_id && *body_id != decoded->client_id) return unexpected(AuthFailure::ClientIdMismatch);
    out.method = AuthMethod::client_secret_basic;
    out.client_id = std::move(decoded->client_id);
    out.secret = std::move(decoded->secret);
    return out;
  }
  if (jwt) {
    // RFC 7521 §4.2: both parameters are REQUIRED; client_id is optional (then taken from iss).
    if (!form.has("client_assertion")) return unexpected(AuthFailure::MissingAssertion);
    if (!form.has("client_assertion_type")) return unexpected(AuthFailure::MissingAssertionType);
    out.method = AuthMethod::private_key_jwt;
    out.assertion = std::string(*form.get("client_assertion"));
    out.assertion_type = std::string(*form.get("client_assertion_type"));
    if (body_id) out.client_id = std::string(*body_id);
    return out;
  }
  if (!body_id) return unexpected(post ? AuthFailure::MissingClientId : AuthFailure::NoCredentials);
  out.client_id = std::string(*body_id);
  if (post) {
    out.method = AuthMethod::client_secret_post;
    out.secret = std::string(*form.get("client_secret"));
  }
  return out;
}

}  // namespace sa::clientauth
