// grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.6, SMART App Launch 2.2 step 5):
// redeems a code from the authorization endpoint for an access token, an id_token when `openid`
// was granted, a refresh token when offline_access or online_access was granted to a client that
// registered refresh_token, and the launch context. Reads the code, checks and signs, then makes
// ONE durable write: the assertion claim, the redemption, the grant row (with its first refresh
// token) and the access token record. A second use of a code revokes what the first issued.
#pragma once

#include <array>
#include <string_view>

#include "authorize/code_store.hpp"
#include "authorize/flow_store.hpp"
#include "oauth/grants/app_tokens.hpp"
#include "oauth/grants/grant.hpp"

namespace sa::oauth {

class AuthorizationCodeGrant final : public Grant {
 public:
  // `sessions` only finds the login session an online_access refresh token ends with.
  AuthorizationCodeGrant(AppTokenDeps deps, authorize::CodeStore& codes,
                         authorize::FlowStore& sessions);

  std::string_view grant_type() const override { return "authorization_code"; }
  // SMART App Launch 2.2 capabilities this grant provides: id_tokens (OIDC-1).
  static constexpr std::array<std::string_view, 1> kCapabilities = {"sso-openid-connect"};
  void handle(const TokenRequest& request, GrantDone done) const override;

 private:
  // RFC 6749 §4.1.2: a code used twice revokes every token issued from it; then invalid_grant.
  void refuse_reuse(const std::string& grant_id, const std::string& client_id,
                    const std::string& request_id, GrantDone done) const;

  AppTokenDeps deps_;
  authorize::CodeStore& codes_;
  authorize::FlowStore& sessions_;
};

}  // namespace sa::oauth
