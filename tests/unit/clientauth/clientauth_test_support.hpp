// Fakes and builders for the client authentication tests: an in-memory ClientStore and
// ReplayStore, a fetch function whose answers the test releases by hand, and signed assertions
// made with freshly generated keys.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "clientauth/jwks_resolver.hpp"
#include "clientauth/replay_store.hpp"
#include "crypto/jwk.hpp"
#include "crypto/jws.hpp"
#include "crypto/keys.hpp"
#include "clients/client_store.hpp"
#include "util/base64url.hpp"

namespace sa::clientauth::test {

inline constexpr std::int64_t kNow = 1'700'000'000;
inline constexpr const char* kTokenUrl = "https://auth.example.org/auth/token";

class FakeClientStore final : public clients::ClientStore {
 public:
  std::map<std::string, clients::ClientRecord, std::less<>> clients;
  bool broken = false;
  Expected<clients::ClientRecord, store::StoreStatus> find(std::string_view id) override {
    if (broken) return unexpected(store::StoreStatus::io_error);
    auto it = clients.find(id);
    if (it == clients.end()) return unexpected(store::StoreStatus::not_found);
    return it->second;
  }
  void insert(clients::ClientRecord c, store::DoneFn done) override {
    clients[c.client_id] = c;
    done(store::StoreStatus::ok);
  }
  void replace(clients::ClientRecord c, store::DoneFn done) override { insert(std::move(c), done); }
  void remove(std::string id, store::DoneFn done) override {
    clients.erase(id);
    done(store::StoreStatus::ok);
  }
  store::StoreStatus sync_static(const std::vector<clients::ClientRecord>&) override {
    return store::StoreStatus::ok;
  }
};

// The Connection a fake runs a store::Database::WriteFn on when the write it fakes touches no table
// (a FakeReplayStore claim ignores it): an in-memory SQLite database.
inline store::Connection& scratch_connection() {
  static auto conn = store::Connection::open(":memory:", {.create = true}).value();
  return *conn;
}

class FakeReplayStore final : public ReplayStore {
 public:
  std::set<std::pair<std::string, std::string>> seen;
  std::optional<store::StoreStatus> fail_with;       // every claim answers this failure
  std::optional<std::int64_t> last_until, last_now;  // what the last claim() was told
  int alone = 0;                                     // claims committed with commit_alone()
  store::Database::WriteFn claim(std::string client_id, std::string_view jti, std::int64_t until,
                                 std::int64_t now) override {
    last_until = until;
    last_now = now;
    return [this, key = std::pair(std::move(client_id), std::string(jti))](store::Connection&) {
      if (fail_with) return *fail_with;
      return seen.insert(key).second ? store::StoreStatus::ok : store::StoreStatus::conflict;
    };
  }
  void commit_alone(store::Database::WriteFn claim, store::DoneFn done) override {
    ++alone;
    done(claim(scratch_connection()));
  }
  void delete_expired(std::int64_t, std::uint32_t, store::PurgedFn done) override {
    done(store::StoreStatus::ok, 0);
  }
};

// Records requested URLs; the test answers them with respond().
struct ManualFetch {
  std::vector<std::string> urls;
  std::vector<net::Fetcher::DoneFn> pending;
  FetchFn fn() {
    return [this](std::string url, net::Fetcher::DoneFn done) {
      urls.push_back(std::move(url));
      pending.push_back(std::move(done));
    };
  }
  void respond(std::string body, std::optional<std::uint32_t> max_age = std::nullopt,
               net::FetchStatus status = net::FetchStatus::ok) {
    auto callbacks = std::move(pending);
    pending.clear();
    for (auto& cb : callbacks) {
      cb(net::FetchResult{.status = status, .http_status = 200, .body = body, .max_age = max_age});
    }
  }
};

inline std::string jwks_for(const crypto::PKey& key, const std::string& kid,
                            const std::string& alg = "") {
  crypto::PublishedKey published{crypto::to_public_jwk(key).value(), {kid, "", alg}};
  return crypto::jwks_json(std::span<const crypto::PublishedKey>(&published, 1));
}

inline std::string sign(const crypto::PKey& key, crypto::JwsAlg alg, const std::string& kid,
                        const std::string& claims_json, const std::string& typ = "JWT") {
  return crypto::sign_compact(key, {alg, kid, typ}, claims_json).value();
}

inline std::string claims(const std::string& client_id, std::int64_t exp,
                          const std::string& jti = "jti-1", const std::string& aud = kTokenUrl) {
  return R"({"iss":")" + client_id + R"(","sub":")" + client_id + R"(","aud":")" + aud +
         R"(","exp":)" + std::to_string(exp) + R"(,"jti":")" + jti + R"("})";
}

}  // namespace sa::clientauth::test
