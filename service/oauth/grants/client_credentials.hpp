// grant_type=client_credentials: SMART Backend Services. A confidential client registered for
// the grant gets an access token for the system/ scopes it asked for, narrowed to its registered
// scope. No refresh token (SMART App Launch 2.2, Backend Services). The token is not recorded
// (tokens::AccessTokenRequest::unrecorded): the grant writes nothing.
#pragma once

#include <array>
#include <string_view>

#include "config/config.hpp"
#include "oauth/grants/grant.hpp"
#include "tokens/access_token.hpp"

namespace sa::oauth {

class ClientCredentialsGrant final : public Grant {
 public:
  ClientCredentialsGrant(const config::TokenSettings& settings,
                         const tokens::AccessTokenIssuer& issuer);

  std::string_view grant_type() const override { return "client_credentials"; }
  // Examples of what a backend may ask for, v2 and v1 syntax, for discovery's scopes_supported
  // (SMART App Launch 2.2, Backend Services).
  static constexpr std::array<std::string_view, 4> kAdvertisedScopes = {
      "system/*.rs", "system/*.cruds", "system/*.read", "system/*.write"};
  void handle(const TokenRequest& request, GrantDone done) const override;

 private:
  config::TokenSettings settings_;
  const tokens::AccessTokenIssuer& issuer_;
};

}  // namespace sa::oauth
