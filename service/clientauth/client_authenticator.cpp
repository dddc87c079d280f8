#include "clientauth/client_authenticator.hpp"

#include <memory>
#include <utility>

#include "crypto/hash.hpp"
#include "obs/log.hpp"

namespace sa::clientauth {
namespace {

using Result = Expected<AuthenticatedClient, oauth::Error>;
constexpr std::size_t kMaxLoggedIdChars = 128;

oauth::ErrorCode code_for(AuthFailure reason) {
  switch (reason) {
    // RFC 6749 §2.3 / §5.2: malformed requests, not failed authentication.
    case AuthFailure::MultipleMethods:
    case AuthFailure::ClientIdMismatch:
    case AuthFailure::MissingAssertion:
    case AuthFailure::MissingAssertionType: return oauth::ErrorCode::invalid_request;
    case AuthFailure::StoreError: return oauth::ErrorCode::server_error;
    case AuthFailure::NoCredentials:
    case AuthFailure::MalformedBasic:
    case AuthFailure::MissingClientId:
    case AuthFailure::UnknownClient:
    case AuthFailure::MethodMismatch:
    case AuthFailure::NoSecretRegistered:
    case AuthFailure::SecretExpired:
    case AuthFailure::SecretMismatch:
    case AuthFailure::BadAssertion: return oauth::ErrorCode::invalid_client;
  }
  return oauth::ErrorCode::invalid_client;
}

std::string description_for(AuthFailure reason, AssertionFailure detail) {
  switch (reason) {
    case AuthFailure::MultipleMethods: return "more than one client authentication method used";
    case AuthFailure::ClientIdMismatch: return "client_id does not match the credentials";
    case AuthFailure::MissingAssertion: return "client_assertion is missing";
    case AuthFailure::MissingAssertionType: return "client_assertion_type is missing";
    case AuthFailure::StoreError: return "temporary failure, try again";
    case AuthFailure::BadAssertion:
      return "client assertion rejected: " + std::string(to_string(detail));
    default: return "client authentication failed";  // no hint whether the client exists
  }
}

// Audits and builds the error. Basic failures carry the Basic challenge (RFC 6749 §5.2: 401);
// body-based ones answer 400 (CAUTH-11).
oauth::Error failure(AuthFailure reason, AuthMethod method, bool via_basic,
                     std::string_view client_id,
                     AssertionFailure detail = AssertionFailure::Ok) {
  std::string reason_text(reason == AuthFailure::BadAssertion ? to_string(detail)
                                                              : to_string(reason));
  obs::audit("client_auth_failed",
             {{"client_id", std::string(client_id.substr(0, kMaxLoggedIdChars))},
              {"method", std::string(via_basic ? "client_secret_basic" : to_string(method))},
              {"reason", reason_text}});
  auto error = oauth::make_error(code_for(reason), description_for(reason, detail),
                                 "client authentication: " + reason_text);
  if (via_basic && error.code == oauth::ErrorCode::invalid_client) {
    error.challenge = oauth::Challenge::basic;
  }
  return error;
}

Result fail(AuthFailure reason, const Credentials& c,
            AssertionFailure detail = AssertionFailure::Ok) {
  return unexpected(failure(reason, c.method, c.method == AuthMethod::client_secret_basic,
                            c.client_id, detail));
}

}  // namespace

ClientAuthenticator::ClientAuthenticator(ClientAuthenticatorSettings settings,
                                         clients::ClientStore& clients, JwksResolver& keys,
                                         ReplayStore& replay, const Clock& clock, PostFn post)
    : settings_(std::move(settings)),
      policy_{settings_.token_endpoint_url, settings_.client_auth.assertion_max_lifetime_s,
              settings_.client_auth.clock_skew_s},
      clients_(clients),
      keys_(keys),
      replay_(replay),
      clock_(clock),
      post_(std::move(post)) {}

void ClientAuthenticator::authenticate(const http::Request& request, const oauth::Form& form,
                                       DoneFn done) const {
  auto presented = read_credentials(request, form);
  if (!presented) {
    bool via_basic = presented.error() == AuthFailure::MalformedBasic;
    auto id = form.get("client_id").value_or("");
    done(unexpected(failure(presented.error(), AuthMethod::none, via_basic, id)));
    return;
  }
  Credentials c = std::move(*presented);
  if (c.method == AuthMethod::private_key_jwt) {
    authenticate_assertion(std::move(c), std::move(done));
    return;
  }
  auto found = clients_.find(c.client_id);
  if (!found) {
    auto reason = found.error() == store::StoreStatus::not_found ? AuthFailure::UnknownClient
                                                                 : AuthFailure::StoreError;
    done(fail(reason, c));
    return;
  }
  // Issue 3 / RFC 7591 §2: the client authenticates only with the method it registered.
  if (found->token_endpoint_auth_method != to_string(c.method)) {
    done(fail(AuthFailure::MethodMismatch, c));
    return;
  }
  if (c.method != AuthMethod::none) {
    if (found->secret_hash.empty()) return done(fail(AuthFailure::NoSecretRegistered, c));
    // RFC 7591 §3.2.1: client_secret_expires_at, 0 = never.
    if (found->secret_expires_at != 0 && clock_.now_seconds() >= found->secret_expires_at) {
      return done(fail(AuthFailure::SecretExpired, c));
    }
    // Secrets are stored as SHA-256 and compared in constant time (STYLE: Secrets).
    if (!crypto::constant_time_equals(crypto::sha256_b64url(c.secret), found->secret_hash)) {
      return done(fail(AuthFailure::SecretMismatch, c));
    }
  }
  done(AuthenticatedClient{std::move(*found), std::string(to_string(c.method))});
}

void ClientAuthenticator::authenticate_assertion(Credentials c, DoneFn done) const {
  // RFC 7521 §4.2, SMART CCA: exactly the jwt-bearer type; anything else is invalid_client, 400
  // (CAUTH-11: Inferno g10 requires 400 here).
  if (c.assertion_type != kJwtBearerAssertionType) {
    return done(fail(AuthFailure::BadAssertion, c, AssertionFailure::BadType));
  }
  auto parsed = parse_assertion(c.assertion);
  if (!parsed) return done(fail(AuthFailure::BadAssertion, c, parsed.error()));
  const auto& iss = parsed->claims.iss;
  if (!iss || iss->empty()) {
    return done(fail(AuthFailure::BadAssertion, c, AssertionFailure::IssSubMismatch));
  }
  // SMART CCA / RFC 7521 §4.2: a client_id in the body must be the assertion's client.
  if (!c.client_id.empty() && c.client_id != *iss) {
    return done(fail(AuthFailure::BadAssertion, c, AssertionFailure::ClientIdMismatch));
  }
  c.client_id = *iss;
  auto found = clients_.find(c.client_id);
  if (!found) {
    if (found.error() != store::StoreStatus::not_found) {
      return done(fail(AuthFailure::StoreError, c));
    }
    return done(fail(AuthFailure::BadAssertion, c, AssertionFailure::UnknownClient));
  }
  if (found->token_endpoint_auth_method != to_string(AuthMethod::private_key_jwt)) {
    return done(fail(AuthFailure::MethodMismatch, c));
  }
  auto checked = check_assertion(*parsed, *found, policy_, clock_.now_seconds());
  if (checked != AssertionFailure::Ok) return done(fail(AuthFailure::BadAssertion, c, checked));

  std::string kid = *parsed->jws.header.kid;
  auto client = std::make_shared<clients::ClientRecord>(std::move(*found));
  auto assertion = std::make_shared<ParsedAssertion>(std::move(*parsed));
  keys_.resolve(*client, kid, [this, client, assertion, done = std::move(done)](KeySetResult keys) {
    finish_assertion(std::move(*client), std::move(*assertion), std::move(keys), done);
  });
}

void ClientAuthenticator::finish_assertion(clients::ClientRecord client, ParsedAssertion assertion,
                                           KeySetResult keys, DoneFn done) const {
  Credentials c{.method = AuthMethod::private_key_jwt, .client_id = client.client_id};
  if (!keys) return complete_async(done, fail(AuthFailure::BadAssertion, c, keys.error()));
  auto verified = verify_assertion_signature(assertion, **keys);
  if (verified != AssertionFailure::Ok) {
    return complete_async(done, fail(AuthFailure::BadAssertion, c, verified));
  }
  // RFC 7523 §3 item 7, SMART CCA: remember the jti for as long as the assertion could be
  // accepted (exp plus the skew we allow); answer only once that is committed.
  std::int64_t keep_until = *assertion.claims.exp + settings_.client_auth.clock_skew_s;
  auto shared_client = std::make_shared<clients::ClientRecord>(std::move(client));
  replay_.remember(
      shared_client->client_id, *assertion.claims.jti, keep_until, clock_.now_seconds(),
      [this, shared_client, done = std::move(done)](store::StoreStatus status) {
        Credentials c{.method = AuthMethod::private_key_jwt, .client_id = shared_client->client_id};
        if (status == store::StoreStatus::conflict) {
          return complete_async(done, fail(AuthFailure::BadAssertion, c, AssertionFailure::Replayed));
        }
        if (status != store::StoreStatus::ok) {
          return complete_async(done, fail(AuthFailure::StoreError, c));
        }
        complete_async(done, AuthenticatedClient{std::move(*shared_client), "private_key_jwt"});
      });
}

void ClientAuthenticator::complete_async(DoneFn done, Result result) const {
  if (!post_) return done(std::move(result));
  post_([done = std::move(done), result = std::make_shared<Result>(std::move(result))]() {
    done(std::move(*result));
  });
}

}  // namespace sa::clientauth
