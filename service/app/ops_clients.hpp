// `smart-auth client add|list|show|update|remove`: the EHR administrator's view of the clients
// in the database, beside a running server. Input goes through the very metadata rules and
// registration policy the RFC 7591 endpoint applies (clients/metadata.hpp,
// registration_policy.hpp), so a bad value gets the same field-named error; every change is
// audited with actor "operator". Static clients (YAML `clients:`) are read-only here.
#pragma once

#include <span>
#include <string>

namespace sa::app {

int client_command(std::span<const std::string> args);

}  // namespace sa::app
