// Reads how a request presents its client (RFC 6749 §2.3): HTTP Basic, client_secret in the body,
// a JWT client assertion (RFC 7521 §4.2), or client_id alone (public clients). Refuses more than
// one method at once. Checks nothing against the registration: that is ClientAuthenticator's job.
#pragma once

#include <array>

#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "oauth_core/form.hpp"
#include "util/expected.hpp"

namespace sa::clientauth {

enum class AuthMethod { none, client_secret_basic, client_secret_post, private_key_jwt };
std::string_view to_string(AuthMethod method);  // the RFC 7591 token_endpoint_auth_method name

// The methods a confidential client can authenticate with at the token endpoint (and, later,
// introspection and revocation), as discovery lists them. `none` is for public clients.
inline constexpr std::array<AuthMethod, 3> kConfidentialMethods = {
    AuthMethod::client_secret_basic, AuthMethod::client_secret_post, AuthMethod::private_key_jwt};

// Why authentication failed before any key or assertion was checked.
enum class AuthFailure {
  NoCredentials,         // no Basic, no client_id, no assertion
  MultipleMethods,       // RFC 6749 §2.3: one method per request
  MalformedBasic,        // not base64, no ':', bad %-escape, empty id
  ClientIdMismatch,      // body client_id differs from the Basic id
  MissingClientId,       // client_secret in the body without client_id
  MissingAssertion,      // client_assertion_type without client_assertion
  MissingAssertionType,  // client_assertion without client_assertion_type
  UnknownClient,
  MethodMismatch,  // presented method is not the registered one
  NoSecretRegistered,
  SecretExpired,
  SecretMismatch,
  BadAssertion,  // see AssertionFailure
  StoreError,
};
std::string_view to_string(AuthFailure failure);

struct Credentials {
  AuthMethod method = AuthMethod::none;
  std::string client_id;     // empty for an assertion without body client_id (taken from iss)
  std::string secret;        // basic and post only; never logged
  std::string assertion;     // private_key_jwt only; never logged
  std::string assertion_type;
};

// Basic credentials (RFC 7617 §2) whose id and secret are each form-urlencoded (RFC 6749
// §2.3.1). nullopt if the header value is not "Basic <base64>" in that shape.
struct BasicCredentials {
  std::string client_id;
  std::string secret;
};
std::optional<BasicCredentials> decode_basic(std::string_view authorization);

Expected<Credentials, AuthFailure> read_credentials(const http::Request& request,
                                                    const oauth::Form& form);

}  // namespace sa::clientauth
