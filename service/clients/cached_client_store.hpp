// A read-through cache in front of another ClientStore: the token endpoint looks the client up
// on every request, and registrations change rarely. Writes through this object invalidate the
// entry at once; an entry also expires after `ttl_s`, which bounds staleness for changes made
// by another process on the same database.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "clients/client_store.hpp"
#include "util/clock.hpp"

namespace sa::clients {

class CachedClientStore final : public ClientStore {
 public:
  // How long a client read here may be served after a change made elsewhere (the operator's
  // `client update`/`remove` from another process): README "Operating it" promises it.
  static constexpr std::int64_t kDefaultTtlS = 5;
  CachedClientStore(ClientStore& inner, const Clock& clock, std::int64_t ttl_s = kDefaultTtlS);

  Expected<ClientRecord, store::StoreStatus> find(std::string_view client_id) override;
  void insert(ClientRecord client, store::DoneFn done) override;
  void replace(ClientRecord client, store::DoneFn done) override;
  void remove(std::string client_id, store::DoneFn done) override;
  store::StoreStatus sync_static(const std::vector<ClientRecord>& clients) override;

 private:
  struct Entry {
    ClientRecord client;
    std::int64_t expires_at;
  };
  void forget(const std::string& client_id);

  ClientStore& inner_;
  const Clock& clock_;
  const std::int64_t ttl_s_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t generation_ = 0;  // bumped by every write: a read that spans one is not cached
};

}  // namespace sa::clients
