#include "keys/key_ring.hpp"

#include <future>

#include "crypto/jwk.hpp"
#include "crypto/keys.hpp"
#include "obs/log.hpp"

namespace sa::keys {
namespace {

constexpr crypto::JwsAlg kServerAlgs[] = {crypto::JwsAlg::RS256, crypto::JwsAlg::ES256};

// Start-up, CLI and timer paths only: waits for the group commit.
store::StoreStatus wait(const std::function<void(store::DoneFn)>& submit) {
  auto promise = std::make_shared<std::promise<store::StoreStatus>>();
  auto future = promise->get_future();
  submit([promise](store::StoreStatus s) { promise->set_value(s); });
  return future.get();
}

std::string state_fingerprint(const std::vector<keys::SigningKeyRecord>& records) {
  std::string out;
  for (const auto& r : records) {
    out += r.kid + ':' + std::to_string(r.retire_at.value_or(-1)) + ':' +
           std::to_string(r.expire_at.value_or(-1)) + ';';
  }
  return out;
}

std::optional<crypto::PKey> public_half(const crypto::PKey& key) {
  auto pem = crypto::public_key_to_pem(key);
  if (!pem) return std::nullopt;
  auto public_key = crypto::public_key_from_pem(*pem);
  if (!public_key) return std::nullopt;
  return std::move(public_key).value();
}

}  // namespace

std::shared_ptr<const SigningKey> KeySet::signer(crypto::JwsAlg alg) const {
  for (const auto& k : active) {
    if (k->alg == alg) return k;
  }
  return nullptr;
}

std::shared_ptr<const crypto::Verifier> KeySet::verifier(std::string_view kid) const {
  auto found = verifiers.find(kid);
  return found == verifiers.end() ? nullptr : found->second;
}

KeyRing::KeyRing(keys::KeyStore& store, const config::KeySettings& settings, const Clock& clock)
    : store_(store), settings_(settings), clock_(clock) {}

Expected<std::shared_ptr<const KeySet>, std::string> KeyRing::build(
    const std::vector<keys::SigningKeyRecord>& records) const {
  auto set = std::make_shared<KeySet>();
  std::vector<crypto::PublishedKey> published;
  const std::int64_t now = clock_.now_seconds();
  // Newest first, so signer() picks the latest active key of each algorithm.
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    const auto& r = *it;
    if (r.expire_at && *r.expire_at <= now) continue;
    auto alg = crypto::parse_alg(r.alg);
    if (!alg) return unexpected<std::string>("signing key " + r.kid + " has unknown alg " + r.alg);
    auto key = crypto::private_key_from_pem(r.private_pem);
    if (!key) return unexpected<std::string>("signing key " + r.kid + " cannot be loaded");
    auto jwk = crypto::to_public_jwk(*key);
    if (!jwk) return unexpected<std::string>("signing key " + r.kid + " cannot be exported");
    published.push_back({*jwk, {r.kid, "sig", r.alg}});
    // Only the public half verifies: a retired key's private half need not stay in memory.
    auto public_key = public_half(*key);
    if (!public_key) return unexpected<std::string>("signing key " + r.kid + " has no public half");
    auto verifier = crypto::Verifier::create(*public_key, *alg);
    if (!verifier) {
      return unexpected<std::string>("signing key " + r.kid + " cannot verify " + r.alg + ": " +
                                     std::string(crypto::to_string(verifier.error())));
    }
    set->verifiers.emplace(r.kid, std::move(verifier).value());
    if (!r.retire_at) {
      auto signer = crypto::Signer::create(*key, *alg);
      if (!signer) {
        return unexpected<std::string>("signing key " + r.kid + " cannot sign " + r.alg + ": " +
                                       std::string(crypto::to_string(signer.error())));
      }
      set->active.push_back(std::make_shared<const SigningKey>(
          SigningKey{r.kid, *alg, std::move(key).value(), std::move(signer).value()}));
    }
  }
  set->jwks_json = crypto::jwks_json(published);
  set->fingerprint = state_fingerprint(records);
  return std::shared_ptr<const KeySet>(std::move(set));
}

std::optional<std::string> KeyRing::add_new_key(crypto::JwsAlg alg) {
  const auto type = alg == crypto::JwsAlg::RS256 ? crypto::KeyType::RSA : crypto::KeyType::EC_P256;
  auto key = crypto::generate_key(type);
  if (!key) return "cannot generate a signing key: " + std::string(crypto::to_string(key.error()));
  auto kid = crypto::jwk_thumbprint(*key);  // RFC 7638 thumbprint as kid
  auto pem = crypto::private_key_to_pem(*key);
  if (!kid || !pem) return std::string("cannot serialise a new signing key");
  keys::SigningKeyRecord record{*kid, std::string(crypto::to_string(alg)), *pem,
                                 clock_.now_seconds(), std::nullopt, std::nullopt};
  auto status = wait([&](store::DoneFn done) { store_.add_key(record, std::move(done)); });
  if (status != store::StoreStatus::ok) {
    return "cannot store a new signing key: " + std::string(store::to_string(status));
  }
  obs::audit("signing_key_created", {{"kid", *kid}, {"alg", std::string(crypto::to_string(alg))}});
  return std::nullopt;
}

std::optional<std::string> KeyRing::load_or_create() {
  auto records = store_.list_keys();
  if (!records) return "cannot read signing keys: " + std::string(store::to_string(records.error()));
  auto set = build(*records);
  if (!set) return set.error();
  bool created = false;
  for (auto alg : kServerAlgs) {
    if ((*set)->signer(alg)) continue;
    obs::log(obs::Level::info, "generating signing key",
             {{"alg", std::string(crypto::to_string(alg))}});
    if (auto err = add_new_key(alg)) return err;
    created = true;
  }
  if (created) {
    records = store_.list_keys();
    if (!records) return "cannot read signing keys after creating them";
    set = build(*records);
    if (!set) return set.error();
  }
  std::atomic_store(&current_, *set);
  return std::nullopt;
}

std::optional<std::string> KeyRing::reload() {
  const std::int64_t now = clock_.now_seconds();
  auto records = store_.list_keys();
  if (!records) return "cannot read signing keys: " + std::string(store::to_string(records.error()));
  bool expired = false;
  for (const auto& r : *records) expired = expired || (r.expire_at && *r.expire_at <= now);
  if (expired) store_.delete_expired_keys(now, [](store::StoreStatus) {});
  auto old = current();
  if (old && old->fingerprint == state_fingerprint(*records) && !expired) return std::nullopt;
  auto set = build(*records);
  if (!set) return set.error();
  for (auto alg : kServerAlgs) {
    if (!(*set)->signer(alg)) {
      return "no active " + std::string(crypto::to_string(alg)) + " key in the store";
    }
  }
  std::atomic_store(&current_, *set);
  obs::log(obs::Level::info, "signing keys reloaded");
  return std::nullopt;
}

Expected<std::vector<std::string>, std::string> KeyRing::rotate() {
  const std::int64_t now = clock_.now_seconds();
  std::vector<std::string> kids;
  for (auto alg : kServerAlgs) {
    const std::string name(crypto::to_string(alg));
    auto status = wait([&](store::DoneFn done) {
      store_.retire_keys(name, now, now + settings_.retired_key_ttl_s, std::move(done));
    });
    if (status != store::StoreStatus::ok) {
      return unexpected<std::string>("cannot retire " + name + " keys: " +
                                     std::string(store::to_string(status)));
    }
    if (auto err = add_new_key(alg)) return unexpected(*err);
  }
  if (auto err = reload()) return unexpected(*err);
  for (const auto& k : current()->active) kids.push_back(k->kid);
  obs::audit("signing_keys_rotated", {obs::num("retired_key_ttl_s", settings_.retired_key_ttl_s)});
  return kids;
}

}  // namespace sa::keys
