#include "crypto/jwk.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <vector>

#include "crypto/hash.hpp"
#include "crypto/json_read.hpp"
#include "crypto/jwk_import.hpp"
#include "util/base64url.hpp"

namespace sa::crypto {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Big-endian bytes of a key parameter; width 0 means minimal length (RFC 7518 §6.3.1.1 for n/e),
// otherwise left-padded to exactly `width` octets (RFC 7518 §6.2.1.2 for x/y).
std::optional<std::string> bn_param_b64url(const EVP_PKEY* key, const char* name, int width) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  BigNum bn{raw};
  int len = width > 0 ? width : BN_num_bytes(bn.get());
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(len));
  if (BN_bn2binpad(bn.get(), bytes.data(), len) != len) return std::nullopt;
  return base64url_encode(std::span<const std::uint8_t>(bytes));
}

void write_member(JsonWriter& w, std::string_view name, std::string_view value) {
  w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_jwk(JsonWriter& w, const PublicJwk& jwk, const JwkMetadata& meta) {
  w.StartObject();
  if (jwk.type == KeyType::RSA) {
    write_member(w, "kty", "RSA");
    write_member(w, "n", jwk.n);
    write_member(w, "e", jwk.e);
  } else {
    write_member(w, "kty", "EC");
    write_member(w, "crv", jwk.crv);
    write_member(w, "x", jwk.x);
    write_member(w, "y", jwk.y);
  }
  if (!meta.kid.empty()) write_member(w, "kid", meta.kid);
  if (!meta.use.empty()) write_member(w, "use", meta.use);
  if (!meta.alg.empty()) write_member(w, "alg", meta.alg);
  w.EndObject();
}

}  // namespace

std::string_view to_string(JwkStatus s) {
  switch (s) {
    case JwkStatus::BadJson:
      return "not a JSON object";
    case JwkStatus::DuplicateMember:
      return "a member name appears twice";
    case JwkStatus::NotAnObject:
      return "JWK is not a JSON object";
    case JwkStatus::MissingKty:
      return "missing kty";
    case JwkStatus::UnsupportedKty:
      return "unsupported kty";
    case JwkStatus::MissingMember:
      return "missing member";
    case JwkStatus::WrongMemberType:
      return "member is not a string";
    case JwkStatus::BadBase64:
      return "member is not base64url";
    case JwkStatus::BadCurve:
      return "unsupported curve";
    case JwkStatus::BadCoordinateLength:
      return "EC coordinate has the wrong length";
    case JwkStatus::BadKeySize:
      return "RSA modulus outside 2048..8192 bits";
    case JwkStatus::PrivateMaterialPresent:
      return "private key member present";
    case JwkStatus::InvalidKey:
      return "invalid public key";
    case JwkStatus::UnsupportedKeyType:
      return "unsupported key type";
    case JwkStatus::AlgKeyMismatch:
      return "alg does not match the key type";
    case JwkStatus::MissingKeys:
      return "missing keys array";
    case JwkStatus::TooManyKeys:
      return "too many keys";
  }
  return "unknown";
}

std::string describe(const JwkError& e) {
  std::string out(to_string(e.status));
  if (!e.member.empty()) {
    out += " \"";
    out += e.member;
    out += '"';
  }
  return out;
}

Expected<PublicJwk, JwkStatus> to_public_jwk(const EVP_PKEY* key) {
  auto type = key_type_of(key);
  if (!type) return unexpected(JwkStatus::UnsupportedKeyType);
  PublicJwk jwk;
  jwk.type = *type;
  if (*type == KeyType::RSA) {
    auto n = bn_param_b64url(key, OSSL_PKEY_PARAM_RSA_N, 0);
    auto e = bn_param_b64url(key, OSSL_PKEY_PARAM_RSA_E, 0);
    if (!n || !e) return unexpected(JwkStatus::InvalidKey);
    jwk.n = std::move(*n);
    jwk.e = std::move(*e);
    return jwk;
  }
  const int width = *type == KeyType::EC_P256 ? 32 : 48;
  jwk.crv = *type == KeyType::EC_P256 ? "P-256" : "P-384";
  auto x = bn_param_b64url(key, OSSL_PKEY_PARAM_EC_PUB_X, width);
  auto y = bn_param_b64url(key, OSSL_PKEY_PARAM_EC_PUB_Y, width);
  if (!x || !y) return unexpected(JwkStatus::InvalidKey);
  jwk.x = std::move(*x);
  jwk.y = std::move(*y);
  return jwk;
}

std::string public_jwk_json(const PublicJwk& jwk, const JwkMetadata& meta) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  write_jwk(w, jwk, meta);
  return {buf.GetString(), buf.GetSize()};
}

std::string jwks_json(std::span<const PublishedKey> keys) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("keys");
  w.StartArray();
  for (const auto& k : keys) write_jwk(w, k.jwk, k.meta);
  w.EndArray();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string jwk_thumbprint(const PublicJwk& jwk) {
  // RFC 7638 §3.2: only the required members, in lexicographic order, no whitespace. The values
  // are base64url or fixed names, so the Writer never has to escape anything (§3.3).
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  if (jwk.type == KeyType::RSA) {
    write_member(w, "e", jwk.e);
    write_member(w, "kty", "RSA");
    write_member(w, "n", jwk.n);
  } else {
    write_member(w, "crv", jwk.crv);
    write_member(w, "kty", "EC");
    write_member(w, "x", jwk.x);
    write_member(w, "y", jwk.y);
  }
  w.EndObject();
  return sha256_b64url(std::string_view(buf.GetString(), buf.GetSize()));
}

Expected<std::string, JwkStatus> jwk_thumbprint(const PKey& key) {
  auto jwk = to_public_jwk(key);
  if (!jwk) return unexpected(jwk.error());
  return jwk_thumbprint(*jwk);
}

Expected<PKey, JwkError> public_key_from_jwk(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse<detail::kStrictParse>(json.data(), json.size());
  if (doc.HasParseError()) return unexpected(JwkError{JwkStatus::BadJson, {}});
  if (!doc.IsObject()) return unexpected(JwkError{JwkStatus::NotAnObject, {}});
  // RFC 7517 §4 / RFC 8259 §4: member names SHOULD be unique; parsers disagree on which of two
  // wins, so a JWK that repeats one is refused rather than resolved.
  if (detail::has_duplicate_members(doc)) {
    return unexpected(JwkError{JwkStatus::DuplicateMember, {}});
  }
  return detail::public_key_from_jwk_value(doc);
}

}  // namespace sa::crypto
