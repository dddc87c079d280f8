// Every route of the service is registered here, with its path as a named constant, so grepping
// a URL finds exactly one registration. Modules add their Features (capabilities, grant types)
// next to their routes; discovery is built from both afterwards.
#pragma once

#include <memory>
#include <vector>

#include "app/components.hpp"
#include "app/paths.hpp"
#include "http/router.hpp"
#include "oauth/introspection_endpoint.hpp"
#include "oauth/resource_servers.hpp"
#include "oauth/revocation_endpoint.hpp"
#include "oauth/token_endpoint.hpp"
#include "oauth/userinfo_endpoint.hpp"

namespace sa::app {


// Endpoint objects the routes call into; they must outlive the router.
struct Endpoints {
  std::unique_ptr<oauth::TokenEndpoint> token;
  std::unique_ptr<oauth::ResourceServers> resource_servers;
  std::unique_ptr<oauth::IntrospectionEndpoint> introspection;
  std::unique_ptr<oauth::RevocationEndpoint> revocation;
  std::unique_ptr<oauth::UserinfoEndpoint> userinfo;
};

// Registers every route, then discovery built from them. Returns the endpoint objects.
Endpoints register_routes(http::Router& router, Components& components);

}  // namespace sa::app
