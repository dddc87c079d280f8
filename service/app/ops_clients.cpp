#include "app/ops_clients.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <ctime>
#include <cctype>
#include <fstream>
#include <functional>
#include <future>
#include <set>
#include <sstream>

#include "app/cli.hpp"
#include "app/ops_client_metadata.hpp"
#include "clients/cached_client_store.hpp"
#include "clients/client_information.hpp"
#include "clients/endpoint_support.hpp"
#include "clients/metadata.hpp"
#include "clients/registration_policy.hpp"
#include "clients/secrets.hpp"
#include "clients/sqlite_client_store.hpp"
#include "crypto/random.hpp"
#include "obs/log.hpp"
#include "store/database.hpp"
#include "util/clock.hpp"
#include "util/strings.hpp"

namespace sa::app {
namespace {

using cli::kBadUsage;
using cli::kFailed;
using cli::kOk;

constexpr const char* kUsage =
    "usage: smart-auth client add [--config PATH] --name NAME [--public | --confidential]\n"
    "                         [--redirect-uri URI]... [--grant-type TYPE]... [--scope SCOPE]\n"
    "                         [--max-scope SCOPE] [--auth-method METHOD] [--jwks-uri URL]\n"
    "                         [--jwks JSON|@FILE] [--client-id ID] [--pre-approved yes|no]\n"
    "       smart-auth client list [--config PATH]\n"
    "       smart-auth client show [--config PATH] CLIENT_ID\n"
    "       smart-auth client update [--config PATH] CLIENT_ID [--name NAME]\n"
    "                         [--redirect-uri URI]... [--grant-type TYPE]... [--scope SCOPE]\n"
    "                         [--max-scope SCOPE] [--auth-method METHOD] [--jwks-uri URL]\n"
    "                         [--jwks JSON|@FILE] [--new-secret] [--pre-approved yes|no]\n"
    "       smart-auth client remove [--config PATH] CLIENT_ID\n"
    "  Clients in the database, also while the server runs. Values follow the RFC 7591\n"
    "  registration rules. add prints the client information as JSON, with a generated\n"
    "  client_secret shown once for confidential secret clients. --max-scope is the cap the\n"
    "  client may ever hold (default: its --scope); update may raise it, e.g. to grant\n"
    "  system/*.rs and client_credentials to a backend service that registered openly.\n"
    "  Repeated flags (--redirect-uri, --grant-type) replace the whole list. Static clients\n"
    "  (YAML clients:) are read-only here. A running server sees an update or removal\n"
    "  within 5 seconds (its client cache). A CLIENT_ID starting with '-' goes after '--':\n"
    "  smart-auth client show -- -abc.\n";

constexpr cli::FlagSpec kEditFlags[] = {
    {"--config"},      {"--name"},           {"--public", cli::Arity::none},
    {"--confidential", cli::Arity::none},    {"--redirect-uri", cli::Arity::many},
    {"--grant-type", cli::Arity::many},      {"--scope"},
    {"--max-scope"},   {"--auth-method"},    {"--jwks-uri"},
    {"--jwks"},        {"--client-id"},      {"--pre-approved"},
    {"--new-secret", cli::Arity::none}};
constexpr cli::FlagSpec kConfigOnly[] = {{"--config"}};

// What a server's client cache may keep serving after a change here.
constexpr int kCacheSeconds = static_cast<int>(clients::CachedClientStore::kDefaultTtlS);

struct Context {
  config::Config config;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<clients::SqliteClientStore> clients;
};

// The database the running server uses; writes wait up to store.busy_timeout_ms for its writer.
std::optional<Context> open_context(const std::string& config_path, int* code) {
  auto config = cli::load_config(config_path);
  if (!config) {
    *code = kBadUsage;
    return std::nullopt;
  }
  cli::operator_logging(*config);
  auto db = store::Database::open(config->store);
  if (!db) {
    *code = cli::failure("client", db.error());
    return std::nullopt;
  }
  Context c{std::move(*config), std::move(*db), nullptr};
  c.clients = std::make_unique<clients::SqliteClientStore>(*c.db);
  return c;
}

std::string kind_of(const clients::ClientRecord& c) {
  return c.token_endpoint_auth_method == "none" ? "public" : "confidential";
}

std::string iso_time(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string effective_cap(const clients::ClientRecord& c, const config::Config& config) {
  if (c.is_static) return c.scope;
  return c.max_scope.value_or(config.registration.max_scope);
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : " ") + i;
  return out;
}

// Runs one store write and waits for its commit: the CLI has nothing else to do meanwhile.
store::StoreStatus committed(const std::function<void(store::DoneFn)>& start) {
  std::promise<store::StoreStatus> done;
  auto result = done.get_future();
  start([&done](store::StoreStatus s) { done.set_value(s); });
  return result.get();
}

int add(const cli::Args& args) {
  if (!args.positionals.empty()) {
    return cli::usage_error("client add", "unexpected argument " + args.positionals[0], kUsage);
  }
  if (!args.has("--name")) return cli::usage_error("client add", "needs --name", kUsage);
  if (args.has("--public") && args.has("--confidential")) {
    return cli::usage_error("client add", "--public and --confidential exclude each other", kUsage);
  }
  if (args.has("--new-secret")) {
    return cli::usage_error("client add", "--new-secret belongs to client update", kUsage);
  }
  const auto pre_approved = yes_no(args.value("--pre-approved"));
  if (args.has("--pre-approved") && !pre_approved) {
    return cli::usage_error("client add", "--pre-approved takes yes or no", kUsage);
  }
  const auto id = args.value("--client-id");
  if (id && !valid_client_id(*id)) {
    return cli::usage_error("client add",
                            "--client-id must be 1-128 characters of A-Z a-z 0-9 - . _ ~", kUsage);
  }
  auto body = metadata_body("{}", args);
  if (!body) return cli::bad_input("client add", body.error());
  if (args.has("--public") && args.has("--auth-method") && *args.value("--auth-method") != "none") {
    return cli::usage_error("client add", "--public means --auth-method none", kUsage);
  }
  if (args.has("--confidential") && args.value("--auth-method") == "none") {
    return cli::usage_error("client add", "--confidential needs an --auth-method other than none",
                            kUsage);
  }

  int code = kOk;
  auto c = open_context(args.config_path(), &code);
  if (!c) return code;
  // The operator is the cap's authority: --max-scope, or exactly the scope asked for.
  auto preview = clients::parse_client_metadata(*body);
  const std::string cap = args.value("--max-scope").value_or(preview ? preview->metadata.scope : "");
  auto metadata = checked_metadata(*body, cap, c->config);
  if (!metadata) return cli::bad_input("client add", metadata.error());

  SystemClock clock;
  crypto::OpenSslRandom random;
  const std::int64_t now = clock.now_seconds();
  clients::ClientRecord record =
      clients::record_from_metadata(id.value_or(clients::new_client_id(random)), *metadata);
  record.issued_at = now;
  record.max_scope = cap;
  record.pre_approved = pre_approved.value_or(false);
  clients::IssuedFields issued{.client_id_issued_at = now};
  if (clients::uses_client_secret(metadata->token_endpoint_auth_method)) {
    issued.client_secret = clients::issue_client_secret(
        record, random, now, c->config.registration.client_secret_lifetime_s);
    issued.client_secret_expires_at = record.secret_expires_at;
  }
  const std::string client_id = record.client_id, metadata_json = record.metadata_json;
  const auto status = committed([&](store::DoneFn done) {
    c->clients->insert(std::move(record), std::move(done));
  });
  if (status == store::StoreStatus::conflict) {
    return cli::failure("client add", "a client with id " + client_id + " exists already");
  }
  if (status != store::StoreStatus::ok) {
    return cli::failure("client add", "the client was not stored: " + std::string(to_string(status)));
  }
  obs::audit("client_added", {{"actor", "operator"},
                              {"client_id", client_id},
                              {"token_endpoint_auth_method", metadata->token_endpoint_auth_method},
                              {"grant_types", join_list(metadata->grant_types)},
                              {"scope", metadata->scope},
                              {"max_scope", cap}});
  std::printf("%s\n", clients::client_information_json(client_id, metadata_json, issued).c_str());
  if (issued.client_secret) {
    std::fprintf(stderr, "the client_secret above is shown once: hand it to the client now\n");
  }
  return kOk;
}

int list(const cli::Args& args) {
  if (!args.positionals.empty()) {
    return cli::usage_error("client list", "unexpected argument " + args.positionals[0], kUsage);
  }
  int code = kOk;
  auto c = open_context(args.config_path(), &code);
  if (!c) return code;
  auto all = c->clients->all_clients();
  if (!all) return cli::failure("client list", "cannot read clients: " + std::string(to_string(all.error())));
  std::printf("client_id\tname\tkind\tscope cap\tcreated\n");
  for (const auto& client : *all) {
    rapidjson::Document meta;
    meta.Parse(client.metadata_json.c_str(), client.metadata_json.size());
    std::string name;
    if (!meta.HasParseError() && meta.IsObject() && meta.HasMember("client_name") &&
        meta["client_name"].IsString()) {
      name = meta["client_name"].GetString();
    }
    std::printf("%s\t%s\t%s%s\t%s\t%s\n", client.client_id.c_str(), name.c_str(),
                kind_of(client).c_str(), client.is_static ? " static" : "",
                effective_cap(client, c->config).c_str(), iso_time(client.issued_at).c_str());
  }
  return kOk;
}

Expected<clients::ClientRecord, int> find_client(Context& c, const std::string& command,
                                                 const std::string& id) {
  auto found = c.clients->find(id);
  if (found) return std::move(found).value();
  if (found.error() == store::StoreStatus::not_found) {
    return unexpected(cli::failure(command, "no client " + id));
  }
  return unexpected(cli::failure(command, "cannot read client " + id + ": " +
                                              std::string(to_string(found.error()))));
}

int show(const cli::Args& args) {
  if (args.positionals.size() != 1) return cli::usage_error("client show", "needs CLIENT_ID", kUsage);
  int code = kOk;
  auto c = open_context(args.config_path(), &code);
  if (!c) return code;
  auto client = find_client(*c, "client show", args.positionals[0]);
  if (!client) return client.error();
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("client_id");
  w.String(client->client_id.c_str());
  w.Key("kind");
  w.String(kind_of(*client).c_str());
  w.Key("static");
  w.Bool(client->is_static);
  w.Key("pre_approved");
  w.Bool(client->pre_approved);
  w.Key("created");
  w.String(iso_time(client->issued_at).c_str());
  w.Key("scope");
  w.String(client->scope.c_str());
  w.Key("max_scope");
  w.String(effective_cap(*client, c->config).c_str());
  // Whether a secret exists and when it expires; never the secret or its hash.
  w.Key("has_client_secret");
  w.Bool(!client->secret_hash.empty());
  if (!client->secret_hash.empty()) {
    w.Key("client_secret_expires_at");
    w.Int64(client->secret_expires_at);
  }
  w.Key("metadata");
  w.RawValue(client->metadata_json.c_str(), client->metadata_json.size(), rapidjson::kObjectType);
  w.EndObject();
  std::printf("%s\n", buf.GetString());
  return kOk;
}

int refuse_static(const std::string& command, const std::string& id) {
  return cli::failure(command, "client " + id +
                                   " is a static client from the config's clients: section; "
                                   "change it there and restart the server");
}

int update(const cli::Args& args) {
  if (args.positionals.size() != 1) {
    return cli::usage_error("client update", "needs CLIENT_ID", kUsage);
  }
  for (const char* flag : {"--client-id", "--confidential"}) {
    if (args.has(flag)) {
      return cli::usage_error("client update", std::string(flag) + " belongs to client add", kUsage);
    }
  }
  const auto pre_approved = yes_no(args.value("--pre-approved"));
  if (args.has("--pre-approved") && !pre_approved) {
    return cli::usage_error("client update", "--pre-approved takes yes or no", kUsage);
  }
  int code = kOk;
  auto c = open_context(args.config_path(), &code);
  if (!c) return code;
  const std::string& id = args.positionals[0];
  auto found = find_client(*c, "client update", id);
  if (!found) return found.error();
  clients::ClientRecord old = std::move(found).value();
  if (old.is_static) return refuse_static("client update", id);

  auto body = metadata_body(old.metadata_json, args);
  if (!body) return cli::bad_input("client update", body.error());
  const std::string cap = args.value("--max-scope").value_or(effective_cap(old, c->config));
  auto metadata = checked_metadata(*body, cap, c->config);
  if (!metadata) return cli::bad_input("client update", metadata.error());

  SystemClock clock;
  crypto::OpenSslRandom random;
  clients::ClientRecord record = clients::record_from_metadata(id, *metadata);
  record.issued_at = old.issued_at;
  record.registration_token_hash = old.registration_token_hash;
  record.max_scope = cap;
  record.pre_approved = pre_approved.value_or(old.pre_approved);
  std::optional<std::string> secret;
  if (clients::uses_client_secret(metadata->token_endpoint_auth_method)) {
    record.secret_hash = old.secret_hash;
    record.secret_expires_at = old.secret_expires_at;
    if (old.secret_hash.empty() || args.has("--new-secret")) {
      secret = clients::issue_client_secret(record, random, clock.now_seconds(),
                                            c->config.registration.client_secret_lifetime_s);
    }
  } else if (args.has("--new-secret")) {
    return cli::usage_error("client update",
                            "--new-secret: " + metadata->token_endpoint_auth_method +
                                " clients have no client_secret",
                            kUsage);
  }
  const std::string metadata_json = record.metadata_json;
  const auto status = committed([&](store::DoneFn done) {
    c->clients->replace(std::move(record), std::move(done));
  });
  if (status != store::StoreStatus::ok) {
    return cli::failure("client update", "the client was not stored: " + std::string(to_string(status)));
  }
  obs::audit("client_updated", {{"actor", "operator"},
                                {"client_id", id},
                                {"token_endpoint_auth_method", metadata->token_endpoint_auth_method},
                                {"grant_types", join_list(metadata->grant_types)},
                                {"scope", metadata->scope},
                                {"previous_scope", old.scope},
                                {"max_scope", cap},
                                {"previous_max_scope", effective_cap(old, c->config)},
                                {"new_secret", secret ? "yes" : "no"}});
  clients::IssuedFields issued{.client_id_issued_at = old.issued_at, .client_secret = secret};
  if (secret) issued.client_secret_expires_at = record.secret_expires_at;
  std::printf("%s\n", clients::client_information_json(id, metadata_json, issued).c_str());
  if (secret) std::fprintf(stderr, "the client_secret above is shown once: hand it to the client now\n");
  std::fprintf(stderr, "a running server applies this within %d s (its client cache)\n",
               kCacheSeconds);
  return kOk;
}

int remove(const cli::Args& args) {
  if (args.positionals.size() != 1) {
    return cli::usage_error("client remove", "needs CLIENT_ID", kUsage);
  }
  int code = kOk;
  auto c = open_context(args.config_path(), &code);
  if (!c) return code;
  const std::string& id = args.positionals[0];
  auto found = find_client(*c, "client remove", id);
  if (!found) return found.error();
  if (found->is_static) return refuse_static("client remove", id);
  // The client's grants, refresh tokens, access-token records, codes, launches and consents go
  // with it (ON DELETE CASCADE), so introspection answers active:false for them at once.
  const auto status = committed([&](store::DoneFn done) { c->clients->remove(id, std::move(done)); });
  if (status != store::StoreStatus::ok) {
    return cli::failure("client remove", "the client was not removed: " + std::string(to_string(status)));
  }
  obs::audit("client_removed", {{"actor", "operator"}, {"client_id", id}});
  std::printf("removed client %s and every grant, refresh token and access-token record issued "
              "to it\n",
              id.c_str());
  std::printf("a running server refuses it within %d s (its client cache); JWT access tokens "
              "already issued stay verifiable offline (with the JWKS) until they expire\n",
              kCacheSeconds);
  return kOk;
}

}  // namespace

int client_command(std::span<const std::string> argv) {
  if (argv.empty()) return cli::usage_error("client", "needs an action", kUsage);
  if (argv[0] == "--help" || argv[0] == "-h") return std::printf("%s", kUsage), kOk;
  const std::string& action = argv[0];
  const std::span<const std::string> rest = argv.subspan(1);
  if (cli::wants_help(rest)) return std::printf("%s", kUsage), kOk;
  using Run = int (*)(const cli::Args&);
  struct Action {
    std::string_view name;
    Run run;
    bool edits;
  };
  static constexpr Action kActions[] = {{"add", add, true},       {"list", list, false},
                                        {"show", show, false},    {"update", update, true},
                                        {"remove", remove, false}};
  for (const Action& a : kActions) {
    if (a.name != action) continue;
    const std::string command = "client " + action;
    auto args = a.edits ? cli::parse(rest, kEditFlags, 1) : cli::parse(rest, kConfigOnly, 1);
    if (!args) return cli::usage_error(command, args.error(), kUsage);
    return a.run(*args);
  }
  return cli::usage_error("client", "unknown action " + action + " (add, list, show, update, remove)",
                          kUsage);
}

}  // namespace sa::app
