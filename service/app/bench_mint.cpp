#include "app/bench_mint.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <ranges>
#include <vector>

#include "authorize/sqlite_code_store.hpp"
#include "clients/sqlite_client_store.hpp"
#include "clients/static_clients.hpp"
#include "crypto/files.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "launch/smart_style.hpp"
#include "obs/log.hpp"
#include "store/database.hpp"
#include "tokens/sqlite_grant_store.hpp"
#include "util/clock.hpp"

namespace sa::app {
namespace {

using store::StoreStatus;

constexpr int kOk = 0, kFailed = 1;

int fail(const std::string& message) {
  std::fprintf(stderr, "smart-auth: bench-mint: %s\n", message.c_str());
  return kFailed;
}

bool has_word(std::string_view list, std::string_view word) {
  for (const auto part : std::views::split(list, ' ')) {
    if (std::string_view(part.begin(), part.end()) == word) return true;
  }
  return false;
}

// Writes in flight and the first failure among them; done callbacks run on the writer thread.
class Outstanding {
 public:
  store::DoneFn track() {
    {
      std::lock_guard lock(mu_);
      ++pending_;
    }
    return [this](StoreStatus status) {
      std::lock_guard lock(mu_);
      if (status != StoreStatus::ok && first_failure_ == StoreStatus::ok) first_failure_ = status;
      --pending_;
      cv_.notify_all();
    };
  }
  // Waits until at most `limit` tracked writes are still in flight (0: all committed or failed).
  StoreStatus wait(std::uint64_t limit = 0) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this, limit] { return pending_ <= limit; });
    return first_failure_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t pending_ = 0;
  StoreStatus first_failure_ = StoreStatus::ok;
};

// A standalone patient launch, as the authorize flow records one.
std::string context_json(const config::Config& config, const std::string& scope) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  if (has_word(scope, "launch/patient")) {
    w.Key("patient");
    w.String(kBenchPatient.data(), static_cast<rapidjson::SizeType>(kBenchPatient.size()));
  }
  w.Key("need_patient_banner");
  w.Bool(true);
  const std::string style = launch::effective_default_smart_style_url(config);
  w.Key("smart_style_url");
  w.String(style.c_str(), static_cast<rapidjson::SizeType>(style.size()));
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

int bench_mint(const config::Config& config, const BenchMintOptions& options) {
  const bool minting_codes = options.codes > 0;
  const std::uint64_t count = minting_codes ? options.codes : options.refresh;
  const char* what = minting_codes ? "authorization codes" : "refresh tokens";
  if (!minting_codes && !has_word(options.scope, "offline_access")) {
    return fail("--scope must include offline_access for --refresh (an offline family)");
  }

  SystemClock clock;
  auto db = store::Database::open(config.store);
  if (!db) return fail(db.error());
  // The server makes the YAML's static clients the stored ones at start; so does this.
  clients::SqliteClientStore client_rows(**db);
  if (auto err = clients::load_static_clients(config, client_rows, clock)) return fail(*err);
  auto client = client_rows.find(options.client_id);
  if (!client) {
    return fail("--client-id " + options.client_id + ": no such registered client (" +
                std::string(store::to_string(client.error())) + ")");
  }
  auto registered = [&](std::string_view grant_type) {
    return std::ranges::find(client->grant_types, grant_type) != client->grant_types.end();
  };
  // The token endpoint refuses grant types a client did not register (unauthorized_client).
  if (!registered("authorization_code")) {
    return fail("--client-id " + options.client_id + " has not registered authorization_code");
  }
  if (!minting_codes && !registered("refresh_token")) {
    return fail("--client-id " + options.client_id + " has not registered refresh_token");
  }
  if (client->redirect_uris.empty()) {
    return fail("--client-id " + options.client_id + " has no redirect_uri");
  }

  crypto::OpenSslRandom random;
  authorize::SqliteCodeStore codes(**db);
  tokens::SqliteGrantStore grants(**db);
  const std::int64_t now = clock.now_seconds();
  const std::string context = context_json(config, options.scope);
  const std::string challenge = crypto::sha256_b64url(kBenchCodeVerifier);  // RFC 7636 §4.2 S256
  const std::int64_t refresh_expires = now + config.tokens.offline_refresh_lifetime_s;

  std::string lines;
  lines.reserve(count * 44);
  Outstanding outstanding;
  // Queued far ahead of the writer, which group-commits them (store.max_batch per transaction);
  // the queue is capped so a large N does not hold every pending write in memory, and each
  // tenth is waited for so that the progress line means durable.
  constexpr std::uint64_t kMaxInFlight = 16'384;
  const std::uint64_t step = std::max<std::uint64_t>(1, count / 10);
  for (std::uint64_t i = 1; i <= count; ++i) {
    std::string grant_id =
        crypto::ordered_token(random, clock.now_microseconds(), 16);  // as AuthorizeFlow makes it
    std::string secret;
    if (minting_codes) {
      authorize::AuthorizationCode code{.grant_id = std::move(grant_id),
                                        .client_id = client->client_id,
                                        .redirect_uri = client->redirect_uris.front(),
                                        .redirect_uri_sent = true,
                                        .code_challenge = challenge,
                                        .user_id = std::string(kBenchUserId),
                                        .fhir_user = std::string(kBenchFhirUser),
                                        .user_name = std::string(kBenchUserName),
                                        .auth_time = now,
                                        .scope = options.scope,
                                        .context_json = context,
                                        .issued_at = now,
                                        .expires_at = now + options.code_lifetime_s,
                                        .aud = config.smart.fhir_base_url};
      secret = crypto::random_token(random, 32);  // 256 bits, as issued for real
      codes.create(crypto::sha256_b64url(secret), std::move(code), outstanding.track());
    } else {
      // As the grants issue them (oauth/grants/app_tokens.cpp mint_refresh).
      secret = crypto::ordered_token(random, clock.now_microseconds(), tokens::kRefreshTokenBytes);
      tokens::RefreshTokenRecord token{.token_hash = tokens::refresh_token_key(secret),
                                       .grant_id = grant_id,
                                       .scope = options.scope,
                                       .issued_at = now,
                                       .expires_at = refresh_expires};
      tokens::GrantRecord grant{.grant_id = std::move(grant_id),
                                .client_id = client->client_id,
                                .user_id = std::string(kBenchUserId),
                                .fhir_user = std::string(kBenchFhirUser),
                                .user_name = std::string(kBenchUserName),
                                .auth_time = now,
                                .scope = options.scope,
                                .context_json = context,
                                .aud = config.smart.fhir_base_url,
                                .refresh = tokens::RefreshKind::offline,
                                .created_at = now,
                                .expires_at = tokens::grant_expiry_covering(refresh_expires, now)};
      (*db)->write(grants.create(std::move(grant), std::move(token)), outstanding.track());
    }
    lines += secret;
    lines += '\n';
    // A failure is reported at the next tenth, once nothing is in flight (the DoneFns point
    // at `outstanding`).
    if (i % kMaxInFlight == 0) outstanding.wait(kMaxInFlight / 2);
    if (i % step == 0 || i == count) {
      if (const StoreStatus status = outstanding.wait(); status != StoreStatus::ok) {
        return fail(std::string("writing ") + what +
                    " failed: " + std::string(store::to_string(status)));
      }
      if (count >= 1'000) {
        std::fprintf(stderr, "bench-mint: %llu/%llu %s written\n",
                     static_cast<unsigned long long>(i), static_cast<unsigned long long>(count),
                     what);
      }
    }
  }
  (*db)->close();
  if (crypto::write_file_private(options.out, lines) != crypto::FileStatus::Ok) {
    return fail("--out " + options.out + ": cannot write the file");
  }
  // Minting credentials outside the authorize flow is a security decision like any other.
  obs::audit("bench_minted", {{"client_id", client->client_id},
                              {"kind", minting_codes ? "authorization_code" : "refresh_token"},
                              obs::num("count", count),
                              {"scope", options.scope}});
  std::printf("wrote %llu %s for %s to %s\n", static_cast<unsigned long long>(count), what,
              client->client_id.c_str(), options.out.c_str());
  if (minting_codes) {
    std::printf("redirect_uri: %s\ncode_verifier: %s\ncodes expire in %u s\n",
                client->redirect_uris.front().c_str(), std::string(kBenchCodeVerifier).c_str(),
                options.code_lifetime_s);
  }
  return kOk;
}

}  // namespace sa::app
