#include "smart/well_known.hpp"

namespace sa::smart {

http::Handler json_document_endpoint(std::string document) {
  return http::sync_handler([document = std::move(document)](const http::Request&) {
    return http::Response::json(200, document);
  });
}

http::Handler jwks_endpoint(const keys::KeyRing& keys) {
  return http::sync_handler([&keys](const http::Request&) {
    auto set = keys.current();
    http::Response res = http::Response::json(200, set->jwks_json);
    // Verifiers may cache briefly; a kid they do not know sends them back for a fresh copy.
    res.set("Cache-Control", "public, max-age=300");
    return res;
  });
}

}  // namespace sa::smart
