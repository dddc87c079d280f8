#include "crypto/jws.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <functional>

#include "crypto/json_read.hpp"
#include "crypto/signature_detail.hpp"
#include "util/base64url.hpp"
#include "util/strings.hpp"

namespace sa::crypto {
namespace {

// An optional string header member: absent is fine, any other type is a malformed header.
bool read_optional(const rapidjson::Value& header, std::string_view name,
                   std::optional<std::string>& out) {
  detail::StringMember m = detail::string_member(header, name);
  if (m.lookup == detail::Lookup::WrongType) return false;
  if (m.lookup == detail::Lookup::Found) out = std::string(m.value);
  return true;
}

std::string header_json(const JwsSignParams& params) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto member = [&w](std::string_view name, std::string_view value) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  member("alg", to_string(params.alg));
  if (!params.kid.empty()) member("kid", params.kid);
  if (!params.typ.empty()) member("typ", params.typ);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace

std::string_view to_string(JwsStatus s) {
  switch (s) {
    case JwsStatus::Ok:
      return "ok";
    case JwsStatus::TooLarge:
      return "JWS too large";
    case JwsStatus::Malformed:
      return "JWS is not three dot-separated parts";
    case JwsStatus::BadBase64:
      return "JWS part is not base64url";
    case JwsStatus::BadHeaderJson:
      return "JWS header is not a valid JSON object";
    case JwsStatus::MissingAlg:
      return "JWS header has no alg";
    case JwsStatus::AlgNone:
      return "alg none is not accepted";
    case JwsStatus::UnsupportedAlg:
      return "unsupported alg";
    case JwsStatus::UnsupportedCrit:
      return "unsupported crit header";
    case JwsStatus::AlgMismatch:
      return "alg is not the expected one";
    case JwsStatus::KeyAlgMismatch:
      return "key type does not match alg";
    case JwsStatus::KeyTooSmall:
      return "key too small";
    case JwsStatus::BadSignatureLength:
      return "signature has the wrong length";
    case JwsStatus::BadSignature:
      return "signature does not verify";
    case JwsStatus::SigningFailed:
      return "signing failed";
  }
  return "unknown";
}

std::string_view to_string(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::RS256:
      return "RS256";
    case JwsAlg::RS384:
      return "RS384";
    case JwsAlg::ES256:
      return "ES256";
    case JwsAlg::ES384:
      return "ES384";
  }
  return "unknown";
}

Expected<JwsAlg, JwsStatus> parse_alg(std::string_view name) {
  // RFC 7515 §4.1.1: alg values are case-sensitive.
  if (name == "RS256") return JwsAlg::RS256;
  if (name == "RS384") return JwsAlg::RS384;
  if (name == "ES256") return JwsAlg::ES256;
  if (name == "ES384") return JwsAlg::ES384;
  // RFC 8725 §3.1: "none" is never acceptable for a token we are asked to trust.
  if (name == "none") return unexpected(JwsStatus::AlgNone);
  return unexpected(JwsStatus::UnsupportedAlg);
}

JwsStatus check_key_for_alg(const EVP_PKEY* key, JwsAlg alg) {
  auto type = key_type_of(key);
  if (!type) return JwsStatus::KeyAlgMismatch;
  switch (alg) {
    case JwsAlg::RS256:
    case JwsAlg::RS384:
      if (*type != KeyType::RSA) return JwsStatus::KeyAlgMismatch;
      // RFC 7518 §3.3: a key of size 2048 bits or larger MUST be used.
      if (EVP_PKEY_get_bits(key) < kMinRsaBits) return JwsStatus::KeyTooSmall;
      return JwsStatus::Ok;
    // RFC 7518 §3.4: ES256 is P-256 with SHA-256, ES384 is P-384 with SHA-384; no other pairing.
    case JwsAlg::ES256:
      return *type == KeyType::EC_P256 ? JwsStatus::Ok : JwsStatus::KeyAlgMismatch;
    case JwsAlg::ES384:
      return *type == KeyType::EC_P384 ? JwsStatus::Ok : JwsStatus::KeyAlgMismatch;
  }
  return JwsStatus::KeyAlgMismatch;
}

Expected<ParsedJws, JwsStatus> parse_compact(std::string_view compact) {
  if (compact.size() > kMaxCompactJwsBytes) return unexpected(JwsStatus::TooLarge);
  // RFC 7515 §7.1: BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature).
  std::vector<std::string_view> parts = split(compact, '.');
  if (parts.size() != 3) return unexpected(JwsStatus::Malformed);
  auto header = base64url_decode(parts[0]);
  auto payload = base64url_decode(parts[1]);
  auto signature = base64url_decode(parts[2]);
  if (!header || !payload || !signature) return unexpected(JwsStatus::BadBase64);

  rapidjson::Document doc;
  if (!detail::parse_object(*header, doc)) return unexpected(JwsStatus::BadHeaderJson);
  detail::StringMember alg_name = detail::string_member(doc, "alg");
  if (alg_name.lookup == detail::Lookup::Missing) return unexpected(JwsStatus::MissingAlg);
  if (alg_name.lookup == detail::Lookup::WrongType) return unexpected(JwsStatus::BadHeaderJson);
  auto alg = parse_alg(alg_name.value);
  if (!alg) return unexpected(alg.error());
  // RFC 7515 §4.1.11: a recipient that does not understand a listed extension MUST reject the
  // JWS. We implement none (this also rejects RFC 7797 unencoded payloads).
  if (detail::find_member(doc, "crit") != nullptr) return unexpected(JwsStatus::UnsupportedCrit);

  ParsedJws out;
  out.header.alg = *alg;
  if (!read_optional(doc, "kid", out.header.kid) || !read_optional(doc, "typ", out.header.typ) ||
      !read_optional(doc, "jku", out.header.jku)) {
    return unexpected(JwsStatus::BadHeaderJson);
  }
  out.header.json = std::move(*header);
  out.payload = std::move(*payload);
  out.signature = std::move(*signature);
  out.signing_input = std::string(compact.substr(0, parts[0].size() + 1 + parts[1].size()));
  return out;
}

JwsStatus verify(const ParsedJws& jws, const PKey& key, JwsAlg expected) {
  // RFC 8725 §3.1: the verifier decides the algorithm; the header only has to agree with it.
  if (jws.header.alg != expected) return JwsStatus::AlgMismatch;
  return verify_bytes(key, expected, jws.signing_input, jws.signature);
}

Expected<std::string, JwsStatus> sign_compact(const PKey& key, const JwsSignParams& params,
                                              std::string_view payload) {
  return detail::sign_compact_with(params, payload, [&](std::string_view input) {
    return sign_bytes(key, params.alg, input);
  });
}

namespace detail {

Expected<std::string, JwsStatus> sign_compact_with(
    const JwsSignParams& params, std::string_view payload,
    const std::function<Expected<std::string, JwsStatus>(std::string_view)>& sign) {
  std::string input = base64url_encode(header_json(params));
  input += '.';
  input += base64url_encode(payload);
  auto signature = sign(input);
  if (!signature) return unexpected(signature.error());
  input += '.';
  input += base64url_encode(*signature);
  return input;
}

}  // namespace detail

}  // namespace sa::crypto
