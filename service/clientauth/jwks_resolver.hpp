// Finds the public keys a client signs its assertions with: its inline JWKS (parsed once per
// client and document), or its jwks_uri, fetched through an injected function and cached no longer
// than Cache-Control allows (SMART App Launch 2.2, Client Confidential Asymmetric). One fetch
// in flight per URI; an unknown kid triggers at most one refetch, and not more than once per
// refetch interval per URI.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "clientauth/assertion.hpp"
#include "config/config.hpp"
#include "crypto/jwks.hpp"
#include "net/fetcher.hpp"
#include "clients/client_store.hpp"
#include "util/clock.hpp"
#include "util/expected.hpp"

namespace sa::clientauth {

using KeySet = std::shared_ptr<const crypto::JwkSet>;
using KeySetResult = Expected<KeySet, AssertionFailure>;  // NoKeysRegistered, JwksUnavailable,
                                                          // JwksInvalid
// GET url; done runs exactly once, on any thread. net::Fetcher::get fits (see fetch_with).
using FetchFn = std::function<void(std::string url, net::Fetcher::DoneFn done)>;
FetchFn fetch_with(net::Fetcher& fetcher);

class JwksResolver {
 public:
  using DoneFn = std::function<void(KeySetResult)>;

  JwksResolver(const config::ClientAuthSettings& settings, const Clock& clock, FetchFn fetch);

  // The client's key set. A set that lacks `kid` is still returned (the verifier reports
  // UnknownKid) once the refetch rule has been applied. done runs inline on a cache hit, else on
  // the fetch callback's thread.
  void resolve(const clients::ClientRecord& client, std::string_view kid, DoneFn done);

 private:
  struct UriEntry {
    KeySet keys;                     // last good document, or null
    std::int64_t expires_at = 0;     // keys are usable while now < expires_at
    std::int64_t last_attempt = -1;  // when the last fetch started
    bool last_failed = false;
    bool in_flight = false;
    std::vector<DoneFn> waiters;
  };

  KeySetResult inline_keys(const clients::ClientRecord& client);
  void fetched(const std::string& uri, net::FetchResult result);

  const config::ClientAuthSettings settings_;
  const Clock& clock_;
  FetchFn fetch_;
  std::mutex mu_;
  // Parsed inline key sets by client_id, with the JWKS text they came from: a client whose
  // registration changed its jwks gets the new keys (the text differs), and a lookup costs a
  // string comparison rather than a hash of the whole document.
  struct InlineEntry {
    std::string jwks_json;
    KeySet keys;
  };
  std::map<std::string, InlineEntry, std::less<>> inline_cache_;
  std::map<std::string, UriEntry, std::less<>> uris_;
};

}  // namespace sa::clientauth
