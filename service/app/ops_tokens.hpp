// `smart-auth token revoke --client ID | --user ID`: incident response on the database beside a
// running server (tokens/bulk_revocation.hpp), with the counts and what stays valid printed.
#pragma once

#include <span>
#include <string>

namespace sa::app {

int token_command(std::span<const std::string> args);

}  // namespace sa::app
