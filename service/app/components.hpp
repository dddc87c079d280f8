// Everything the service is made of, built once at start-up from the config in dependency
// order, and taken down in the one order that lets late callbacks finish: the user directory,
// fetcher, then the store's writer, then the worker pool (see shutdown()).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "clientauth/client_authenticator.hpp"
#include "clientauth/failed_auth_limits.hpp"
#include "clientauth/jwks_resolver.hpp"
#include "clientauth/replay_store.hpp"
#include "clients/cached_client_store.hpp"
#include "clients/initial_access_tokens.hpp"
#include "clients/sqlite_client_store.hpp"
#include "config/config.hpp"
#include "crypto/random.hpp"
#include "authorize/flow.hpp"
#include "authorize/login_throttle.hpp"
#include "authorize/pages.hpp"
#include "authorize/sqlite_code_store.hpp"
#include "authorize/sqlite_flow_store.hpp"
#include "directory/builtin_directory.hpp"
#include "directory/directory.hpp"
#include "keys/key_ring.hpp"
#include "launch/ehr_api_key.hpp"
#include "launch/sqlite_launch_store.hpp"
#include "net/fetcher.hpp"
#include "obs/metrics.hpp"
#include "ratelimit/window_limiter.hpp"
#include "store/database.hpp"
#include "store/purge_chain.hpp"
#include "keys/sqlite_key_store.hpp"
#include "tokens/access_token.hpp"
#include "tokens/id_token.hpp"
#include "tokens/sqlite_grant_store.hpp"
#include "tokens/token_inspector.hpp"
#include "tokens/token_store.hpp"
#include "util/clock.hpp"
#include "util/expected.hpp"
#include "util/worker_pool.hpp"

namespace sa::app {

struct Components {
  static Expected<std::unique_ptr<Components>, std::string> create(const config::Config& config,
                                                                   const Clock& clock);
  // After the server has stopped: lets in-flight work finish, then closes the store.
  void shutdown();
  // Every keys.reload_interval_s: re-reads the signing keys (rotate-keys from the CLI).
  void housekeeping();
  // Every kPurgeInterval: deletes expired rows of each kind (access-token records, grants and
  // refresh tokens, assertion jtis, launches, codes, authorize transactions and login sessions),
  // kPurgeBatch rows of a kind per write, and another write at once while one comes back full,
  // up to kPurgeSlices a second (store::PurgeChain). Small slices: each holds the writer, and
  // every request waiting on it, about 2 ms (5,000-row slices took 95 ms); a kind's next slice is
  // queued once its last has committed, so a batch of requests holds at most one slice of each
  // kind; and the purge keeps pace with kPurgeBatch * kPurgeSlices expiries a second of each
  // kind. Rows purged and failed slices are counted in /metrics.
  void purge_expired();
  void add_purges();  // create(): purges, once the stores exist
  static constexpr std::chrono::seconds kPurgeInterval{1};
  static constexpr std::uint32_t kPurgeBatch = 250;
  static constexpr std::uint32_t kPurgeSlices = 128;

  const config::Config& config;
  const Clock& clock;
  crypto::OpenSslRandom random;
  obs::Metrics metrics;
  std::unique_ptr<store::Database> database;
  std::unique_ptr<keys::SqliteKeyStore> key_store;
  std::unique_ptr<keys::KeyRing> keys;
  std::unique_ptr<clients::SqliteClientStore> client_rows;
  std::unique_ptr<clients::CachedClientStore> clients;  // what everything else uses
  clients::InitialAccessTokens initial_access_tokens;
  std::unique_ptr<tokens::SqliteTokenStore> tokens;
  std::unique_ptr<tokens::SqliteGrantStore> grants;  // grants and their refresh-token families
  std::unique_ptr<tokens::AccessTokenIssuer> issuer;
  std::unique_ptr<tokens::IdTokenIssuer> id_tokens;  // OIDC Core §2: RS256, iss = public base URL
  // Which of our tokens a string is and whether it is active: introspection, revocation, userinfo.
  std::unique_ptr<tokens::TokenInspector> inspector;
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<net::Fetcher> fetcher;
  std::unique_ptr<clientauth::JwksResolver> jwks;
  std::unique_ptr<clientauth::SqliteReplayStore> replay;
  std::unique_ptr<clientauth::FailedAuthLimits> failed_auth_limits;
  // Registration attempts per address (brute-force limit, SMART App Launch 2.2, Client
  // Confidential Symmetric); null when rate_limits.enabled is false.
  std::unique_ptr<ratelimit::WindowLimiter> registration_limit;
  // Authorization requests per address (each stores a transaction); null when limits are off.
  std::unique_ptr<ratelimit::WindowLimiter> authorize_limit;
  std::unique_ptr<clientauth::ClientAuthenticator> authenticator;
  // The EHR's user directory (CONTRACT "User directory adapter"), per directory.adapter.
  std::unique_ptr<directory::Directory> directory;
  // The same directory when it is the builtin adapter (the demo launcher lists it), else null.
  const directory::BuiltinDirectory* builtin_directory = nullptr;
  // EHR launch-context API: the launches, the EHR's key, and wrong keys per address (null when
  // rate_limits.enabled is false).
  std::unique_ptr<launch::SqliteLaunchStore> launches;
  launch::EhrApiKey ehr_api_key;
  std::unique_ptr<ratelimit::WindowLimiter> failed_launch_auth_limit;
  // The authorization endpoint (RFC 6749 §4.1): its stores, pages, login throttle and the flow.
  std::unique_ptr<authorize::SqliteCodeStore> codes;
  std::unique_ptr<authorize::SqliteFlowStore> flow_store;
  // One per kind of expired row (purge_expired).
  std::vector<std::unique_ptr<store::PurgeChain>> purges;
  std::unique_ptr<authorize::Pages> pages;
  std::unique_ptr<authorize::LoginThrottle> login_throttle;
  std::unique_ptr<authorize::AuthorizeFlow> authorize;

 private:
  Components(const config::Config& c, const Clock& k) : config(c), clock(k) {}
};

}  // namespace sa::app
