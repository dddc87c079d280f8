#include "clients/registration_caps.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <future>
#include <memory>
#include <utility>
#include <vector>

#include "obs/log.hpp"
#include "scopes/grant.hpp"
#include "scopes/scope.hpp"

namespace sa::clients {
namespace {

using store::StoreStatus;

std::vector<scopes::Scope> parsed_or_nothing(std::string_view text) {
  auto parsed = scopes::parse_scope_string(text);
  return parsed ? std::move(parsed).value() : std::vector<scopes::Scope>{};
}

// The scope `client` may keep under `cap`, or nullopt when the cap takes nothing away. Compared
// after the same normalisation on both sides (grant() drops duplicates and subsumed scopes), so
// a scope that is only spelled differently is not rewritten.
std::optional<std::string> trimmed_scope(const ClientRecord& client, std::string_view cap) {
  auto stored = scopes::parse_scope_string(client.scope);
  // Stored scopes were validated when written; one that no longer parses (the grammar's bounds
  // came later) cannot be shown to be within the cap, so it keeps nothing.
  if (!stored) return std::string();
  // RFC 7591 §5: metadata is self-asserted, so the client holds what the cap allows, as at
  // registration (registration_policy.cpp uses the same grant()).
  std::string capped = scopes::join(scopes::grant(*stored, parsed_or_nothing(cap)));
  if (capped == scopes::join(scopes::grant(*stored, *stored))) return std::nullopt;
  return capped;
}

// The stored metadata document with `scope` replaced (omitted when empty, as metadata_json()
// writes it), so RFC 7592 reads show what the client now holds. Unreadable: left as it is.
std::string with_scope(const std::string& metadata_json, const std::string& scope) {
  rapidjson::Document doc;
  doc.Parse(metadata_json.c_str(), metadata_json.size());
  if (doc.HasParseError() || !doc.IsObject()) return metadata_json;
  doc.RemoveMember("scope");
  if (!scope.empty()) {
    doc.AddMember("scope", rapidjson::Value(scope.c_str(), doc.GetAllocator()), doc.GetAllocator());
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  return {buf.GetString(), buf.GetSize()};
}

struct PendingWrite {
  ClientRecord before;
  std::string new_scope;
  const char* cap_source;
  std::future<StoreStatus> done;
};

}  // namespace

Expected<CapSummary, std::string> apply_registration_caps(SqliteClientStore& rows,
                                                          ClientStore& clients,
                                                          std::string_view registration_max_scope) {
  auto registered = rows.registered_clients();
  if (!registered) {
    return unexpected("cannot read the registered clients to apply registration caps: " +
                      std::string(store::to_string(registered.error())));
  }
  CapSummary summary{.checked = registered->size()};
  // All writes are queued first and awaited together, so the writer commits them in few batches.
  std::vector<PendingWrite> pending;
  for (ClientRecord& client : *registered) {
    // CONTRACT "Registration policy": the cap fixed at registration, or registration.max_scope
    // for clients registered before caps were recorded.
    const bool own_cap = client.max_scope.has_value();
    const std::string_view cap = own_cap ? *client.max_scope : registration_max_scope;
    auto scope = trimmed_scope(client, cap);
    if (!scope) continue;
    ClientRecord updated = client;
    updated.scope = *scope;
    updated.metadata_json = with_scope(client.metadata_json, *scope);
    auto outcome = std::make_shared<std::promise<StoreStatus>>();
    PendingWrite write{.before = std::move(client),
                       .new_scope = std::move(*scope),
                       .cap_source = own_cap ? "client.max_scope" : "registration.max_scope",
                       .done = outcome->get_future()};
    clients.replace(std::move(updated),
                    [outcome](StoreStatus status) { outcome->set_value(status); });
    pending.push_back(std::move(write));
  }
  for (PendingWrite& write : pending) {
    const StoreStatus status = write.done.get();
    // not_found: the client was deleted meanwhile, so it holds nothing any more.
    if (status == StoreStatus::not_found) continue;
    if (status != StoreStatus::ok) {
      return unexpected("cannot store the capped scope of client " + write.before.client_id + ": " +
                        std::string(store::to_string(status)));
    }
    ++summary.trimmed;
    obs::audit("client_scope_capped", {{"client_id", write.before.client_id},
                                       {"old_scope", write.before.scope},
                                       {"new_scope", write.new_scope},
                                       {"cap_source", write.cap_source}});
  }
  obs::log(obs::Level::info, "registration caps applied",
           {obs::num("checked", summary.checked), obs::num("trimmed", summary.trimmed)});
  return summary;
}

}  // namespace sa::clients
