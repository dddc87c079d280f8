#include "clients/routes.hpp"

#include "clients/client_configuration_endpoint.hpp"
#include "clients/registration_endpoint.hpp"

namespace sa::clients {

using http::Method;

void register_registration_routes(http::Router& router, const RegistrationServices& services) {
  // A closed registrar still answers (403) but is not advertised: discovery lists only what works.
  const bool open = services.config.registration.mode != config::RegistrationMode::closed;
  router.add(Method::POST, std::string(paths::kRegister), "register",
             registration_endpoint(services),
             {.cors = true, .discovery_field = open ? "registration_endpoint" : ""});
  const std::string configuration(paths::kClientConfiguration);
  router.add(Method::GET, configuration, "client_read", read_client_endpoint(services),
             {.cors = true});
  router.add(Method::PUT, configuration, "client_update", update_client_endpoint(services),
             {.cors = true});
  router.add(Method::DELETE_, configuration, "client_delete", delete_client_endpoint(services),
             {.cors = true});
}

}  // namespace sa::clients
