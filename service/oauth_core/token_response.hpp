// The successful token response body (RFC 6749 §5.1, SMART App Launch 2.2 §"Access token
// response"): access_token, token_type Bearer, numeric expires_in, scope, and the optional
// members later grants add. Cache-Control: no-store and Pragma: no-cache are the router's
// (http/router.cpp decorate): the token route is not cacheable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http/message.hpp"

namespace sa::oauth {

struct TokenResponse {
  std::string access_token;
  std::int64_t expires_in = 0;
  std::string scope;
  std::optional<std::string> refresh_token;
  std::optional<std::string> id_token;
  // SMART App Launch 2.2 "Launch context": patient, encounter, fhirContext, need_patient_banner,
  // smart_style_url, intent, tenant: a JSON object whose members are added to the response.
  std::optional<std::string> context_json;
};

http::Response token_response(const TokenResponse& body);

}  // namespace sa::oauth
