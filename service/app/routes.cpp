#include "app/routes.hpp"

#include "app/ops_endpoints.hpp"
#include "smart/well_known.hpp"

namespace sa::app {

using http::Method;

void register_routes(http::Router& router, Services& s) {
  smart::Features features;

  // Keys. The JWKS is public and works from the first start.
  router.add(Method::GET, std::string(paths::kJwks), "jwks", smart::jwks_endpoint(s.keys),
             {.cors = true, .cacheable = true, .discovery_field = "jwks_uri"});

  // Operations.
  router.add(Method::GET, std::string(paths::kHealth), "healthz", health_endpoint(s.database));
  router.add(Method::GET, std::string(paths::kMetrics), "metrics", metrics_endpoint(s.metrics));

  // Discovery last: it describes everything registered above.
  auto docs = smart::build_discovery(s.config, router, features);
  router.add(Method::GET, std::string(paths::kSmartConfiguration), "smart_configuration",
             smart::json_document_endpoint(std::move(docs.smart_configuration)),
             {.cors = true, .cacheable = true});
  router.add(Method::GET, std::string(paths::kOpenIdConfiguration), "openid_configuration",
             smart::json_document_endpoint(std::move(docs.openid_configuration)),
             {.cors = true, .cacheable = true});
}

}  // namespace sa::app
