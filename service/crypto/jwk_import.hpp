// Internal to crypto/: JWK -> EVP_PKEY from an already-parsed RapidJSON value, shared by the
// single-JWK entry point and the JWKS parser.
#pragma once

#include <rapidjson/document.h>

#include "crypto/jwk.hpp"

namespace sa::crypto::detail {

Expected<PKey, JwkError> public_key_from_jwk_value(const rapidjson::Value& jwk);

}  // namespace sa::crypto::detail
