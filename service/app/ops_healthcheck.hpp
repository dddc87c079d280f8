// `smart-auth healthcheck`: GET /healthz over verified HTTPS from the server's own host, for a
// container HEALTHCHECK or a supervisor. Exit 0 only on a 200; no TLS verification is ever off.
#pragma once

#include <span>
#include <string>

namespace sa::app {

int healthcheck_command(std::span<const std::string> args);

}  // namespace sa::app
