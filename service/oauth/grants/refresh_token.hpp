// grant_type=refresh_token (RFC 6749 §6, RFC 9700 §4.14.2, SMART App Launch 2.2 step 7): a
// current refresh token (or one rotated out less than tokens.refresh_reuse_grace_s ago) of this
// client buys a new access token, a new refresh token that replaces it, the same launch context,
// and an id_token again when `openid` is in scope. `scope` may narrow, never widen. A rotated
// token presented after the grace window revokes its whole family. One durable write: the
// assertion claim, the rotation and the access token record.
#pragma once

#include <array>
#include <string_view>

#include "oauth/grants/app_tokens.hpp"
#include "oauth/grants/grant.hpp"
#include "tokens/refresh_policy.hpp"

namespace sa::oauth {

class RefreshTokenGrant final : public Grant {
 public:
  explicit RefreshTokenGrant(AppTokenDeps deps);

  std::string_view grant_type() const override { return "refresh_token"; }
  // SMART App Launch 2.2 capabilities this grant provides: offline_access and online_access.
  static constexpr std::array<std::string_view, 2> kCapabilities = {"permission-offline",
                                                                    "permission-online"};
  // The scopes that ask for this grant, for discovery's scopes_supported.
  static constexpr std::array<std::string_view, 2> kAdvertisedScopes = {"offline_access",
                                                                        "online_access"};
  void handle(const TokenRequest& request, GrantDone done) const override;

 private:
  AppTokenDeps deps_;
  tokens::RefreshRules rules_;
};

}  // namespace sa::oauth
