// Start-up: turns the YAML's static clients into store records (same metadata rules as dynamic
// registration, secrets hashed) and makes the store's static clients exactly these. Static
// clients get no registration access token, so RFC 7592 cannot manage them.
#pragma once

#include <optional>
#include <string>

#include "config/config.hpp"
#include "clients/client_store.hpp"
#include "util/clock.hpp"

namespace sa::clients {

// nullopt on success, else one sentence for the operator naming clients[i].
std::optional<std::string> load_static_clients(const config::Config& config,
                                               ClientStore& clients, const Clock& clock);

}  // namespace sa::clients
