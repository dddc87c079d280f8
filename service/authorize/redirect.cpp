#include "authorize/redirect.hpp"

#include <stdexcept>
#include <vector>

#include "url/query.hpp"

namespace sa::authorize {
namespace {

std::string with_params(std::string_view redirect_uri, std::vector<url::QueryParam> params,
                        const std::optional<std::string>& state, std::string_view issuer) {
  // RFC 6749 §4.1.2: state exactly as the app sent it, and only when it sent one.
  if (state) params.push_back({"state", *state});
  // RFC 9207 §2: iss on every authorization response, success or error.
  params.push_back({"iss", std::string(issuer)});
  // RFC 6749 §3.1.2: the endpoint URI MUST NOT include a fragment. resolve_redirect_uri already
  // refuses one; dropping it here as well means a browser can never carry one onwards.
  std::string_view base = redirect_uri.substr(0, redirect_uri.find('#'));
  auto out = url::add_query_params(base, params);
  // resolve_redirect_uri only hands out URIs that passed url::check_client_url, which are
  // absolute: failing here is a bug, answered as a 500 by the router.
  if (!out) throw std::invalid_argument("redirect_uri is not an absolute URI");
  return std::move(*out);
}

}  // namespace

std::string code_redirect(std::string_view redirect_uri, std::string_view code,
                          const std::optional<std::string>& state, std::string_view issuer) {
  return with_params(redirect_uri, {{"code", std::string(code)}}, state, issuer);
}

std::string error_redirect(std::string_view redirect_uri, const RedirectError& error,
                           const std::optional<std::string>& state, std::string_view issuer) {
  // RFC 6749 §4.1.2.1: error, and error_description when there is one.
  std::vector<url::QueryParam> params{{"error", std::string(oauth::to_string(error.code))}};
  if (!error.description.empty()) params.push_back({"error_description", error.description});
  return with_params(redirect_uri, std::move(params), state, issuer);
}

}  // namespace sa::authorize
