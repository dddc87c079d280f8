// RFC 7592 client configuration endpoint at /auth/register/{client_id}: GET reads, PUT replaces
// the metadata (same validation as registration), DELETE removes the client and what was issued
// to it. Every request needs the client's registration access token as a Bearer token; static
// clients have none and cannot be managed here.
#pragma once

#include "clients/routes.hpp"
#include "http/router.hpp"

namespace sa::clients {

http::Handler read_client_endpoint(const RegistrationServices& services);
http::Handler update_client_endpoint(const RegistrationServices& services);
http::Handler delete_client_endpoint(const RegistrationServices& services);

}  // namespace sa::clients
