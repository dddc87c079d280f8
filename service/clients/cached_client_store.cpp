#include "clients/cached_client_store.hpp"

namespace sa::clients {

namespace {
// Past this many registered clients in the cache it starts over rather than growing.
constexpr std::size_t kMaxEntries = 10'000;
}  // namespace

CachedClientStore::CachedClientStore(ClientStore& inner, const Clock& clock,
                                     std::int64_t ttl_s)
    : inner_(inner), clock_(clock), ttl_s_(ttl_s) {}

Expected<ClientRecord, store::StoreStatus> CachedClientStore::find(
    std::string_view client_id) {
  const std::int64_t now = clock_.now_seconds();
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(std::string(client_id));
    if (it != entries_.end() && now < it->second.expires_at) return it->second.client;
    generation = generation_;
  }
  auto found = inner_.find(client_id);
  // Only hits are cached: an unknown id must not become known late, nor fill the cache. A
  // write that happened while we read (generation moved) may have made `found` stale.
  if (found) {
    std::lock_guard lock(mutex_);
    if (generation != generation_) return found;
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_[found->client_id] = Entry{*found, now + ttl_s_};
  }
  return found;
}

void CachedClientStore::forget(const std::string& client_id) {
  std::lock_guard lock(mutex_);
  entries_.erase(client_id);
  ++generation_;
}

void CachedClientStore::insert(ClientRecord client, store::DoneFn done) {
  forget(client.client_id);
  inner_.insert(std::move(client), std::move(done));
}

void CachedClientStore::replace(ClientRecord client, store::DoneFn done) {
  // Forget before and after the commit: a find() racing the write must not re-cache the old row.
  const std::string id = client.client_id;
  forget(id);
  inner_.replace(std::move(client), [this, id, done = std::move(done)](store::StoreStatus s) {
    forget(id);
    done(s);
  });
}

void CachedClientStore::remove(std::string client_id, store::DoneFn done) {
  const std::string id = client_id;
  forget(id);
  inner_.remove(std::move(client_id), [this, id, done = std::move(done)](store::StoreStatus s) {
    forget(id);
    done(s);
  });
}

store::StoreStatus CachedClientStore::sync_static(const std::vector<ClientRecord>& clients) {
  auto status = inner_.sync_static(clients);
  std::lock_guard lock(mutex_);
  entries_.clear();
  ++generation_;
  return status;
}

}  // namespace sa::clients
