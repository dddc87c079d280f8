#include "clientauth/jwks_resolver.hpp"

#include <algorithm>
#include <utility>


namespace sa::clientauth {
namespace {

constexpr std::size_t kMaxInlineCacheEntries = 4096;

bool has_kid(const KeySet& keys, std::string_view kid) {
  if (!keys) return false;
  return std::any_of(keys->keys.begin(), keys->keys.end(),
                     [&](const crypto::JwksEntry& e) { return e.kid && *e.kid == kid; });
}

}  // namespace

FetchFn fetch_with(net::Fetcher& fetcher) {
  return [&fetcher](std::string url, net::Fetcher::DoneFn done) {
    fetcher.get(std::move(url), std::move(done));
  };
}

JwksResolver::JwksResolver(const config::ClientAuthSettings& settings, const Clock& clock,
                           FetchFn fetch)
    : settings_(settings), clock_(clock), fetch_(std::move(fetch)) {}

KeySetResult JwksResolver::inline_keys(const clients::ClientRecord& client) {
  {
    std::lock_guard lock(mu_);
    auto it = inline_cache_.find(client.client_id);
    if (it != inline_cache_.end() && it->second.jwks_json == client.jwks_json) {
      return it->second.keys;
    }
  }
  auto parsed = crypto::parse_jwks(client.jwks_json);
  if (!parsed) return unexpected(AssertionFailure::JwksInvalid);
  auto keys = std::make_shared<const crypto::JwkSet>(std::move(*parsed));
  std::lock_guard lock(mu_);
  if (inline_cache_.size() >= kMaxInlineCacheEntries &&
      inline_cache_.find(client.client_id) == inline_cache_.end()) {
    inline_cache_.clear();  // bounded memory: start over rather than track recency
  }
  inline_cache_.insert_or_assign(client.client_id, InlineEntry{client.jwks_json, keys});
  return KeySet(keys);
}

void JwksResolver::resolve(const clients::ClientRecord& client, std::string_view kid, DoneFn done) {
  if (!client.jwks_json.empty()) {
    done(inline_keys(client));
    return;
  }
  if (client.jwks_uri.empty()) {
    done(unexpected(AssertionFailure::NoKeysRegistered));
    return;
  }
  const std::int64_t now = clock_.now_seconds();
  std::unique_lock lock(mu_);
  UriEntry& entry = uris_[client.jwks_uri];
  bool fresh = entry.keys && now < entry.expires_at;
  bool recently = entry.last_attempt >= 0 && now - entry.last_attempt < settings_.jwks_min_refetch_interval_s;
  // SMART CCA: refetch on an unknown kid (key rotation), but at most once per interval so that
  // assertions with made-up kids cannot make us hammer the client's server.
  if (fresh && (has_kid(entry.keys, kid) || recently)) {
    KeySet keys = entry.keys;
    lock.unlock();
    done(std::move(keys));
    return;
  }
  if (!fresh && recently && entry.last_failed && !entry.in_flight) {
    lock.unlock();
    done(unexpected(AssertionFailure::JwksUnavailable));
    return;
  }
  entry.waiters.push_back(std::move(done));
  if (entry.in_flight) return;  // one fetch per URI: join the one in progress
  entry.in_flight = true;
  entry.last_attempt = now;
  lock.unlock();
  fetch_(client.jwks_uri,
         [this, uri = client.jwks_uri](net::FetchResult r) { fetched(uri, std::move(r)); });
}

void JwksResolver::fetched(const std::string& uri, net::FetchResult result) {
  const std::int64_t now = clock_.now_seconds();
  KeySetResult outcome = unexpected(AssertionFailure::JwksUnavailable);
  std::vector<DoneFn> waiters;
  {
    std::lock_guard lock(mu_);
    UriEntry& entry = uris_[uri];
    entry.in_flight = false;
    entry.last_failed = true;
    if (result.status == net::FetchStatus::ok) {
      auto parsed = crypto::parse_jwks(result.body);
      if (parsed) {
        // SMART App Launch 2.2, Client Confidential Asymmetric: never cache longer than
        // Cache-Control allows; a default when it is silent, and our own ceiling.
        std::int64_t ttl = result.max_age ? *result.max_age : settings_.jwks_default_cache_s;
        ttl = std::min<std::int64_t>(ttl, settings_.jwks_max_cache_s);
        entry.keys = std::make_shared<const crypto::JwkSet>(std::move(*parsed));
        entry.expires_at = now + ttl;
        entry.last_failed = false;
      } else {
        outcome = unexpected(AssertionFailure::JwksInvalid);
      }
    }
    // A failed refetch for an unknown kid still leaves a fresh cached set usable.
    if (entry.keys && now < entry.expires_at) outcome = entry.keys;
    if (!entry.keys || now >= entry.expires_at) {
      if (!entry.last_failed) outcome = entry.keys;  // max-age 0: use once, never cache
    }
    waiters.swap(entry.waiters);
  }
  for (auto& waiter : waiters) waiter(outcome);
}

}  // namespace sa::clientauth
