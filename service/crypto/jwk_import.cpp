#include "crypto/jwk_import.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include <array>

#include "crypto/json_read.hpp"
#include "util/base64url.hpp"

namespace sa::crypto::detail {
namespace {

using Result = Expected<PKey, JwkError>;

Unexpected<JwkError> fail(JwkStatus s, std::string_view member = {}) {
  return unexpected(JwkError{s, member});
}

// A required base64url string member, decoded. Errors name the member.
Expected<std::string, JwkError> b64_member(const rapidjson::Value& jwk, std::string_view name) {
  StringMember m = string_member(jwk, name);
  switch (m.lookup) {
    case Lookup::Missing:
      return fail(JwkStatus::MissingMember, name);
    case Lookup::WrongType:
      return fail(JwkStatus::WrongMemberType, name);
    case Lookup::Found:
      break;
  }
  auto bytes = base64url_decode(m.value);
  if (!bytes || bytes->empty()) return fail(JwkStatus::BadBase64, name);
  return std::move(*bytes);
}

BigNum to_bn(const std::string& bytes) {
  return BigNum{BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()), nullptr)};
}

// Builds the key from OSSL_PARAMs, then runs OpenSSL's public-key validation on it.
Result key_from_params(const char* type, const ParamBuilder& bld) {
  Params params{OSSL_PARAM_BLD_to_param(bld.get())};
  PKeyCtx ctx{EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr)};
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return fail(JwkStatus::InvalidKey);
  }
  PKey key{raw};
  PKeyCtx check{EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr)};
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    ERR_clear_error();
    return fail(JwkStatus::InvalidKey);
  }
  return key;
}

Result rsa_from_jwk(const rapidjson::Value& jwk) {
  auto n = b64_member(jwk, "n");
  if (!n) return unexpected(n.error());
  auto e = b64_member(jwk, "e");
  if (!e) return unexpected(e.error());
  // Leading zero octets in n are tolerated for interoperability (RFC 7518 §6.3.1.1 says MUST NOT,
  // but they change nothing about the key); the size check below counts significant bits only.
  BigNum bn_n = to_bn(*n);
  BigNum bn_e = to_bn(*e);
  if (!bn_n || !bn_e) return fail(JwkStatus::InvalidKey);
  const int bits = BN_num_bits(bn_n.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) return fail(JwkStatus::BadKeySize, "n");
  if (e->size() > 8) return fail(JwkStatus::InvalidKey, "e");  // no real exponent exceeds 64 bits
  ParamBuilder bld{OSSL_PARAM_BLD_new()};
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return fail(JwkStatus::InvalidKey);
  }
  return key_from_params("RSA", bld);
}

Result ec_from_jwk(const rapidjson::Value& jwk) {
  StringMember crv = string_member(jwk, "crv");
  if (crv.lookup == Lookup::Missing) return fail(JwkStatus::MissingMember, "crv");
  if (crv.lookup == Lookup::WrongType) return fail(JwkStatus::WrongMemberType, "crv");
  const char* group = nullptr;
  std::size_t width = 0;
  if (crv.value == "P-256") {
    group = SN_X9_62_prime256v1;
    width = 32;
  } else if (crv.value == "P-384") {
    group = SN_secp384r1;
    width = 48;
  } else {
    return fail(JwkStatus::BadCurve, "crv");
  }
  auto x = b64_member(jwk, "x");
  if (!x) return unexpected(x.error());
  auto y = b64_member(jwk, "y");
  if (!y) return unexpected(y.error());
  // RFC 7518 §6.2.1.2 / §6.2.1.3: coordinates are the full field size, leading zeros kept.
  if (x->size() != width) return fail(JwkStatus::BadCoordinateLength, "x");
  if (y->size() != width) return fail(JwkStatus::BadCoordinateLength, "y");
  std::string point = "\x04" + *x + *y;  // SEC 1 §2.3.3 uncompressed point
  ParamBuilder bld{OSSL_PARAM_BLD_new()};
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return fail(JwkStatus::InvalidKey);
  }
  return key_from_params("EC", bld);
}

}  // namespace

Result public_key_from_jwk_value(const rapidjson::Value& jwk) {
  if (!jwk.IsObject()) return fail(JwkStatus::NotAnObject);
  // RFC 7517 §4 / RFC 7518 §6.3.2, §6.2.2, §6.4: these members carry private or symmetric key
  // material. A public-key slot must never accept them, whatever the kty.
  static constexpr std::array<std::string_view, 8> kPrivateMembers = {"d",  "p",  "q",   "dp",
                                                                      "dq", "qi", "oth", "k"};
  for (std::string_view m : kPrivateMembers) {
    if (find_member(jwk, m) != nullptr) return fail(JwkStatus::PrivateMaterialPresent, m);
  }
  StringMember kty = string_member(jwk, "kty");
  if (kty.lookup == Lookup::Missing) return fail(JwkStatus::MissingKty, "kty");
  if (kty.lookup == Lookup::WrongType) return fail(JwkStatus::WrongMemberType, "kty");
  if (kty.value == "RSA") return rsa_from_jwk(jwk);
  if (kty.value == "EC") return ec_from_jwk(jwk);
  return fail(JwkStatus::UnsupportedKty, "kty");
}

}  // namespace sa::crypto::detail
