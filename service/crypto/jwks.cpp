#include "crypto/jwks.hpp"

#include "crypto/json_read.hpp"
#include "crypto/jwk_import.hpp"
#include "crypto/jws.hpp"

namespace sa::crypto {
namespace {

// kid, use and alg are optional (RFC 7517 §4.2, §4.4, §4.5) but must be strings when present.
std::optional<JwkError> read_metadata(const rapidjson::Value& jwk, JwksEntry& entry) {
  struct Slot {
    std::string_view name;
    std::optional<std::string>* out;
  };
  for (Slot slot : {Slot{"kid", &entry.kid}, Slot{"use", &entry.use}, Slot{"alg", &entry.alg}}) {
    detail::StringMember m = detail::string_member(jwk, slot.name);
    if (m.lookup == detail::Lookup::WrongType)
      return JwkError{JwkStatus::WrongMemberType, slot.name};
    if (m.lookup == detail::Lookup::Found) *slot.out = std::string(m.value);
  }
  return std::nullopt;
}

std::optional<JwkError> parse_entry(const rapidjson::Value& jwk, JwksEntry& entry) {
  auto key = detail::public_key_from_jwk_value(jwk);
  if (!key) return key.error();
  if (auto err = read_metadata(jwk, entry)) return err;
  entry.key = std::move(*key);
  entry.type = *key_type_of(entry.key);
  entry.kty = entry.type == KeyType::RSA ? "RSA" : "EC";
  // RFC 7517 §4.4: alg names the algorithm the key is intended for. A known alg that the key
  // cannot perform (RS256 on an EC key) is a broken entry; unknown algs are left to the caller.
  if (entry.alg) {
    auto alg = parse_alg(*entry.alg);
    if (alg && check_key_for_alg(entry.key.get(), *alg) != JwsStatus::Ok) {
      return JwkError{JwkStatus::AlgKeyMismatch, "alg"};
    }
  }
  for (JwsAlg alg : {JwsAlg::RS256, JwsAlg::RS384, JwsAlg::ES256, JwsAlg::ES384}) {
    // Algs the key cannot do (or an RSA key under 2048 bits) get no verifier; verify() then
    // answers as crypto::verify does.
    if (auto verifier = Verifier::create(entry.key, alg)) {
      entry.verifiers.push_back(std::move(*verifier));
    }
  }
  return std::nullopt;
}

}  // namespace

JwsStatus JwksEntry::verify(const ParsedJws& jws, JwsAlg expected) const {
  for (const auto& verifier : verifiers) {
    if (verifier->alg() == expected) return verifier->verify(jws);
  }
  return crypto::verify(jws, key, expected);
}

std::string describe(const JwksProblem& p) {
  return "keys[" + std::to_string(p.index) + "]: " + describe(p.error);
}

Expected<JwkSet, JwkError> parse_jwks(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse<detail::kStrictParse>(json.data(), json.size());
  if (doc.HasParseError()) return unexpected(JwkError{JwkStatus::BadJson, {}});
  if (!doc.IsObject()) return unexpected(JwkError{JwkStatus::NotAnObject, {}});
  // RFC 7517 §4 / RFC 8259 §4: member names SHOULD be unique; which duplicate a parser keeps
  // differs between implementations, so a repeated name is refused, never resolved.
  if (detail::has_duplicate_members(doc)) {
    return unexpected(JwkError{JwkStatus::DuplicateMember, {}});
  }
  const rapidjson::Value* keys = detail::find_member(doc, "keys");
  if (keys == nullptr || !keys->IsArray())
    return unexpected(JwkError{JwkStatus::MissingKeys, "keys"});
  if (keys->Size() > kMaxJwksKeys) return unexpected(JwkError{JwkStatus::TooManyKeys, "keys"});
  // The same inside every key: the whole set is refused, not just the entry, so a registration
  // never stores (and echoes back) a key that two parsers would read differently.
  for (const auto& jwk : keys->GetArray()) {
    if (jwk.IsObject() && detail::has_duplicate_members(jwk)) {
      return unexpected(JwkError{JwkStatus::DuplicateMember, "keys"});
    }
  }

  JwkSet set;
  for (rapidjson::SizeType i = 0; i < keys->Size(); ++i) {
    JwksEntry entry;
    // RFC 7517 §5: implementations SHOULD ignore JWKs they cannot use; we also say which and why.
    if (auto err = parse_entry((*keys)[i], entry)) {
      set.skipped.push_back(JwksProblem{i, *err});
      continue;
    }
    set.keys.push_back(std::move(entry));
  }
  return set;
}

}  // namespace sa::crypto
