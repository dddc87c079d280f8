#include "clients/endpoint_support.hpp"

#include "clients/client_information.hpp"
#include "clients/routes.hpp"
#include "util/strings.hpp"

namespace sa::clients {

std::optional<std::string_view> bearer_token(const http::Request& request) {
  auto header = request.header("Authorization");
  if (!header) return std::nullopt;
  const std::string_view value = trim(*header);
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() || !iequals(value.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  const std::string_view token = trim(value.substr(kScheme.size()));
  if (token.empty()) return std::nullopt;
  return token;
}

bool has_json_content_type(const http::Request& request) {
  auto type = request.header("Content-Type");
  if (!type) return false;
  const std::string_view media = trim(type->substr(0, type->find(';')));
  return iequals(media, "application/json");
}

ClientRecord record_from_metadata(std::string client_id, const ClientMetadata& m) {
  ClientRecord record;
  record.client_id = std::move(client_id);
  record.token_endpoint_auth_method = m.token_endpoint_auth_method;
  record.grant_types = m.grant_types;
  record.redirect_uris = m.redirect_uris;
  record.scope = m.scope;
  record.jwks_json = m.jwks;
  record.jwks_uri = m.jwks_uri;
  record.metadata_json = metadata_json(m);
  return record;
}

std::string client_configuration_uri(std::string_view public_base_url,
                                     std::string_view client_id) {
  return std::string(public_base_url) + std::string(paths::kRegister) + "/" +
         std::string(client_id);
}

}  // namespace sa::clients
