// Fakes for the token endpoint and grant tests: an in-memory KeyStore (so a real KeyRing and
// AccessTokenIssuer sign real tokens), a TokenStore whose answer the test chooses, and a grant
// that answers what the test tells it to.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/random.hpp"
#include "keys/key_ring.hpp"
#include "oauth/grants/grant.hpp"
#include "keys/key_store.hpp"
#include "tokens/access_token.hpp"
#include "tokens/token_store.hpp"
#include "unit/clientauth/clientauth_test_support.hpp"

namespace sa::oauth::test {

using clientauth::test::kNow;

class FakeKeyStore final : public keys::KeyStore {
 public:
  std::vector<keys::SigningKeyRecord> keys;
  Expected<std::vector<keys::SigningKeyRecord>, store::StoreStatus> list_keys() override {
    return keys;
  }
  void add_key(keys::SigningKeyRecord key, store::DoneFn done) override {
    keys.push_back(std::move(key));
    done(store::StoreStatus::ok);
  }
  void retire_keys(std::string, std::int64_t, std::int64_t, store::DoneFn done) override {
    done(store::StoreStatus::ok);
  }
  void delete_expired_keys(std::int64_t, store::DoneFn done) override {
    done(store::StoreStatus::ok);
  }
};

class FakeTokenStore final : public tokens::TokenStore {
 public:
  std::vector<tokens::AccessTokenRecord> recorded;
  store::StoreStatus answer = store::StoreStatus::ok;
  // Runs `first` like the real store: its failure records nothing.
  void record(tokens::AccessTokenRecord token, store::Database::WriteFn first,
              store::DoneFn done) override {
    if (first) {
      if (auto status = first(clientauth::test::scratch_connection());
          status != store::StoreStatus::ok) {
        return done(status);
      }
    }
    if (answer == store::StoreStatus::ok) recorded.push_back(std::move(token));
    done(answer);
  }
  Expected<tokens::AccessTokenRecord, store::StoreStatus> find(std::string_view) override {
    return unexpected(store::StoreStatus::not_found);
  }
  void revoke(std::string, std::int64_t, store::DoneFn done) override {
    done(store::StoreStatus::ok);
  }
  void record_revoked(tokens::AccessTokenRecord, std::int64_t, store::DoneFn done) override {
    done(store::StoreStatus::ok);
  }
  Expected<tokens::ClientTokenBounds, store::StoreStatus> client_bounds(
      std::string_view) override {
    return unexpected(store::StoreStatus::not_found);
  }
  void delete_expired(std::int64_t, std::uint32_t, store::PurgedFn done) override {
    done(store::StoreStatus::ok, 0);
  }
};

// A real issuer over in-memory keys.
struct Issuing {
  FakeClock clock{kNow};
  FakeKeyStore key_store;
  keys::KeyRing ring{key_store, config::KeySettings{}, clock};
  crypto::FakeRandom random{7};
  tokens::AccessTokenIssuer issuer{
      ring,
      tokens::AccessTokenSettings{.issuer = "https://auth.example",
                                  .audience = "https://fhir.example/r4",
                                  .alg = config::AccessTokenAlg::ES256},
      clock, random};
  Issuing() {
    if (auto err = ring.load_or_create()) throw std::runtime_error(*err);
  }
};

}  // namespace sa::oauth::test
