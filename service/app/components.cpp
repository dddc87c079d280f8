#include "app/components.hpp"

#include <thread>

#include "app/paths.hpp"
#include "util/cpus.hpp"
#include "clients/registration_caps.hpp"
#include "clients/static_clients.hpp"
#include "directory/builtin_directory.hpp"
#include "directory/http_directory.hpp"
#include "launch/smart_style.hpp"
#include "obs/log.hpp"
#include "tokens/token_store.hpp"

namespace sa::app {

Expected<std::unique_ptr<Components>, std::string> Components::create(
    const config::Config& config, const Clock& clock) {
  std::unique_ptr<Components> c(new Components(config, clock));
  auto db = store::Database::open(config.store);
  if (!db) return unexpected(db.error());
  c->database = std::move(db).value();
  c->key_store = std::make_unique<keys::SqliteKeyStore>(*c->database);
  c->keys = std::make_unique<keys::KeyRing>(*c->key_store, config.keys, clock);
  if (auto err = c->keys->load_or_create()) return unexpected(*err);

  c->client_rows = std::make_unique<clients::SqliteClientStore>(*c->database);
  c->clients = std::make_unique<clients::CachedClientStore>(*c->client_rows, clock);
  if (auto err = clients::load_static_clients(config, *c->clients, clock)) {
    return unexpected(*err);
  }
  // Issue 6 finding 2.1: clients stored before registration caps existed are held to them too.
  auto capped =
      clients::apply_registration_caps(*c->client_rows, *c->clients, config.registration.max_scope);
  if (!capped) return unexpected(capped.error());
  auto tokens = clients::InitialAccessTokens::load(config.registration, config.data_dir, c->random);
  if (!tokens) return unexpected(tokens.error());
  c->initial_access_tokens = std::move(tokens).value();
  c->tokens = std::make_unique<tokens::SqliteTokenStore>(*c->database);
  c->grants = std::make_unique<tokens::SqliteGrantStore>(*c->database);
  c->inspector = std::make_unique<tokens::TokenInspector>(
      *c->keys, config.server.public_base_url, *c->tokens, *c->grants,
      tokens::RefreshRules{config.tokens.refresh_reuse_grace_s,
                           config.authorize.session_idle_timeout_s});
  c->issuer = std::make_unique<tokens::AccessTokenIssuer>(
      *c->keys,
      tokens::AccessTokenSettings{config.server.public_base_url, config.smart.fhir_base_url,
                                  config.keys.access_token_alg},
      clock, c->random);
  // OIDC-10: the id_token's iss is the discovery issuer, the public base URL.
  c->id_tokens =
      std::make_unique<tokens::IdTokenIssuer>(*c->keys, config.server.public_base_url, clock);

  // Signing after a jwks_uri fetch runs here, never on the fetch thread (the store's writer
  // thread only ever commits and hands the reply to the I/O thread).
  c->workers = std::make_unique<WorkerPool>(usable_cpus());
  const auto& ca = config.client_auth;
  try {
    c->fetcher = std::make_unique<net::Fetcher>(net::FetcherSettings{
        ca.jwks_fetch_timeout_ms, ca.jwks_max_bytes, ca.jwks_allow_loopback, ca.jwks_ca_file});
  } catch (const std::exception& e) {
    return unexpected("client_auth.jwks_ca_file: " + std::string(e.what()));
  }
  c->jwks = std::make_unique<clientauth::JwksResolver>(ca, clock,
                                                       clientauth::fetch_with(*c->fetcher));
  auto replay = clientauth::SqliteReplayStore::open(*c->database, clock.now_seconds());
  if (!replay) {
    return unexpected("reading the assertion replay log: " +
                      std::string(store::to_string(replay.error())));
  }
  c->replay = std::move(*replay);
  WorkerPool* workers = c->workers.get();
  // SMART App Launch 2.2, Client Confidential Symmetric: MUST rate-limit brute force.
  const auto& limits = config.rate_limits;
  c->failed_auth_limits = std::make_unique<clientauth::FailedAuthLimits>(limits, clock, c->metrics);
  if (limits.enabled) {
    c->registration_limit = std::make_unique<ratelimit::WindowLimiter>(
        ratelimit::LimitSettings{limits.registration_per_ip, limits.window_s,
                                 limits.max_tracked_keys},
        clock);
    c->authorize_limit = std::make_unique<ratelimit::WindowLimiter>(
        ratelimit::LimitSettings{limits.authorize_per_ip, limits.window_s, limits.max_tracked_keys},
        clock);
  }
  c->authenticator = std::make_unique<clientauth::ClientAuthenticator>(
      clientauth::ClientAuthenticatorSettings{
          config.server.public_base_url + std::string(paths::kToken), ca},
      *c->clients, *c->jwks, *c->replay, clock,
      [workers](std::function<void()> task) { workers->post(std::move(task)); },
      c->failed_auth_limits.get());

  switch (config.directory.adapter) {
    case config::DirectoryAdapter::builtin: {
      auto builtin = directory::BuiltinDirectory::load(config.directory.builtin);
      if (!builtin) return unexpected(builtin.error());
      c->builtin_directory = builtin->get();
      c->directory = std::move(builtin).value();
      break;
    }
    case config::DirectoryAdapter::http:
      try {
        c->directory = std::make_unique<directory::HttpDirectory>(config.directory.http, clock);
      } catch (const std::exception& e) {
        // A CA bundle, client certificate or key that does not load.
        return unexpected("directory.http: " + std::string(e.what()));
      }
      break;
  }

  c->launches = std::make_unique<launch::SqliteLaunchStore>(*c->database);
  auto ehr_key = launch::EhrApiKey::load(config.launch, config.data_dir, c->random);
  if (!ehr_key) return unexpected(ehr_key.error());
  c->ehr_api_key = std::move(ehr_key).value();
  if (limits.enabled) {
    c->failed_launch_auth_limit = std::make_unique<ratelimit::WindowLimiter>(
        ratelimit::LimitSettings{limits.failed_launch_auth_per_ip, limits.window_s,
                                 limits.max_tracked_keys},
        clock);
  }

  c->codes = std::make_unique<authorize::SqliteCodeStore>(*c->database);
  c->flow_store = std::make_unique<authorize::SqliteFlowStore>(*c->database);
  c->add_purges();
  auto pages = authorize::Pages::load(config.pages);
  if (!pages) return unexpected("pages: " + pages.error());
  c->pages = std::move(pages).value();
  c->login_throttle = std::make_unique<authorize::LoginThrottle>(limits, clock, c->metrics);
  c->authorize = std::make_unique<authorize::AuthorizeFlow>(authorize::FlowDeps{
      config, *c->clients, *c->directory, *c->launches, *c->codes, *c->flow_store, *c->pages,
      *c->login_throttle, clock, c->random, c->metrics, *c->workers,
      launch::effective_default_smart_style_url(config)});
  return c;
}

void Components::shutdown() {
  directory.reset();  // pending password checks finish and answer (into the store, the workers)
  fetcher.reset();    // pending fetches complete with shut_down
  database->close();  // queued writes commit; their callbacks answer
  workers->stop();    // queued work finishes; later posts run inline
}

void Components::housekeeping() {
  if (auto err = keys->reload()) obs::log(obs::Level::error, *err);
}

void Components::purge_expired() {
  for (auto& purge : purges) purge->start();
}

void Components::add_purges() {
  // Each slice reads the clock itself: a chain's later slices run after the tick that started it.
  auto add = [this](const char* kind, store::PurgeChain::SliceFn slice) {
    purges.push_back(std::make_unique<store::PurgeChain>(
        std::move(slice), kPurgeBatch, kPurgeSlices,
        [this, kind](store::StoreStatus status, std::uint64_t rows) {
          if (status != store::StoreStatus::ok) {
            metrics.increment("smart_auth_purge_failures_total",
                              "Purge writes of expired rows that failed (retried next second).",
                              {{"kind", kind}});
          } else if (rows > 0) {
            metrics.increment("smart_auth_purged_rows_total", "Expired rows purged.",
                              {{"kind", kind}}, rows);
          }
        }));
  };
  add("access_tokens", [this](std::uint32_t limit, store::PurgedFn done) {
    tokens->delete_expired(clock.now_seconds(), limit, std::move(done));
  });
  add("grants", [this](std::uint32_t limit, store::PurgedFn done) {
    grants->delete_expired(clock.now_seconds(), limit, std::move(done));
  });
  add("assertion_jtis", [this](std::uint32_t limit, store::PurgedFn done) {
    replay->delete_expired(clock.now_seconds(), limit, std::move(done));
  });
  add("launches", [this](std::uint32_t limit, store::PurgedFn done) {
    launches->delete_expired(clock.now_seconds(), limit, std::move(done));
  });
  add("codes", [this](std::uint32_t limit, store::PurgedFn done) {
    codes->delete_expired(clock.now_seconds(), limit, std::move(done));
  });
  add("authorize_sessions", [this](std::uint32_t limit, store::PurgedFn done) {
    flow_store->delete_expired(clock.now_seconds(), config.authorize.session_idle_timeout_s, limit,
                               std::move(done));
  });
}

}  // namespace sa::app
