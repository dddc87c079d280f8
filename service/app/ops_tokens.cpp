#include "app/ops_tokens.hpp"

#include <algorithm>
#include <cstdio>
#include <future>

#include "app/cli.hpp"
#include "obs/log.hpp"
#include "store/database.hpp"
#include "tokens/bulk_revocation.hpp"
#include "util/clock.hpp"

namespace sa::app {
namespace {

constexpr const char* kUsage =
    "usage: smart-auth token revoke [--config PATH] (--client CLIENT_ID | --user USER_ID)\n"
    "  Incident response, also while the server runs: revokes every grant, refresh-token\n"
    "  family and access-token record of one client or one user (the directory's id, the\n"
    "  tokens' sub), deletes their authorization codes not yet redeemed and, for a user, ends\n"
    "  their login sessions; for a client, also every client_credentials token issued up to\n"
    "  this second (those are not recorded: the client gets a cut-off time). Prints the\n"
    "  counts. Introspection answers active:false at once; JWT access tokens already issued\n"
    "  stay verifiable offline with the JWKS until they expire\n"
    "  (tokens.app_access_token_lifetime_s / access_token_lifetime_s, at most 1 h): to stop a\n"
    "  client for good, also `smart-auth client remove` it.\n";

constexpr cli::FlagSpec kFlags[] = {{"--config"}, {"--client"}, {"--user"}};

}  // namespace

int token_command(std::span<const std::string> argv) {
  if (cli::wants_help(argv)) return std::printf("%s", kUsage), cli::kOk;
  if (argv.empty() || argv[0] != "revoke") {
    return cli::usage_error("token",
                            argv.empty() ? "needs an action (revoke)"
                                         : "unknown action " + argv[0] + " (revoke)",
                            kUsage);
  }
  auto args = cli::parse(argv.subspan(1), kFlags, 0);
  if (!args) return cli::usage_error("token revoke", args.error(), kUsage);
  const auto client = args->value("--client"), user = args->value("--user");
  if (client.has_value() == user.has_value()) {
    return cli::usage_error("token revoke", "needs exactly one of --client and --user", kUsage);
  }
  const std::string& id = client ? *client : *user;
  if (id.empty()) {
    return cli::usage_error("token revoke", client ? "--client is empty" : "--user is empty", kUsage);
  }
  auto config = cli::load_config(args->config_path());
  if (!config) return cli::kBadUsage;
  cli::operator_logging(*config);
  auto db = store::Database::open(config->store);
  if (!db) return cli::failure("token revoke", db.error());

  SystemClock clock;
  auto counts = std::make_shared<tokens::RevocationCounts>();
  const auto holder = client ? tokens::Holder::client : tokens::Holder::user;
  const auto status =
      (*db)->write_sync(tokens::revoke_everything_of(holder, id, clock.now_seconds(), counts));
  if (status != store::StoreStatus::ok) {
    return cli::failure("token revoke", "nothing was revoked: " + std::string(to_string(status)));
  }
  const char* who = client ? "client" : "user";
  obs::audit("tokens_revoked_by_operator",
             {{"actor", "operator"},
              {who, id},
              obs::num("grants", counts->grants),
              obs::num("refresh_tokens", counts->refresh_tokens),
              obs::num("access_tokens", counts->access_tokens),
              obs::num("codes", counts->codes),
              obs::num("sessions", counts->sessions),
              obs::num("client_credentials_cutoffs", counts->cutoffs)});
  std::printf("%s %s: revoked %lld grants, %lld refresh tokens, %lld access-token records; "
              "deleted %lld pending codes",
              who, id.c_str(), static_cast<long long>(counts->grants),
              static_cast<long long>(counts->refresh_tokens),
              static_cast<long long>(counts->access_tokens),
              static_cast<long long>(counts->codes));
  if (!client) std::printf("; ended %lld login sessions", static_cast<long long>(counts->sessions));
  if (counts->cutoffs > 0) {
    std::printf("; ended every client_credentials token issued until now");
  }
  std::printf("\nJWT access tokens already issued stay verifiable offline until they expire "
              "(at most %u s); introspection answers active:false for them now\n",
              std::max(config->tokens.access_token_lifetime_s,
                       config->tokens.app_access_token_lifetime_s));
  return cli::kOk;
}

}  // namespace sa::app
