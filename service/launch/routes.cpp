#include "launch/routes.hpp"

#include "launch/launch_endpoint.hpp"
#include "launch/smart_style.hpp"

namespace sa::launch {

using http::Method;

void register_launch_routes(http::Router& router, const LaunchServices& services) {
  router.add(Method::POST, std::string(paths::kLaunch), "launch", launch_endpoint(services));
  router.add(Method::GET, std::string(paths::kSmartStyle), "smart_style",
             http::sync_handler([document = default_smart_style_json()](const http::Request&) {
               return http::Response::json(200, document);
             }),
             {.cors = true, .cacheable = true});
}

}  // namespace sa::launch
