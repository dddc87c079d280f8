// GET/POST /auth/authorize: check the request in RFC 6749 §4.1.2.1 order, use the EHR launch if
// there is one, pick up a login session, and start the transaction.
#include <utility>

#include "authorize/cookies.hpp"
#include "authorize/flow.hpp"
#include "authorize/flow_impl.hpp"
#include "crypto/hash.hpp"
#include "obs/log.hpp"
#include "util/strings.hpp"

namespace sa::authorize {
namespace {

using store::StoreStatus;

// Fills the transaction from the launch the EHR created (CONTRACT "EHR launch-context API").
void apply_launch(Transaction& txn, const launch::Launch& launch) {
  txn.ehr_launch = true;
  txn.launch_user = launch.user_id;
  txn.patient = launch.patient;
  txn.encounter = launch.encounter;
  txn.fhir_context = launch.fhir_context;
  txn.intent = launch.intent;
  txn.need_patient_banner = launch.need_patient_banner;
  txn.smart_style_url = launch.smart_style_url;
  txn.tenant = launch.tenant;
}

}  // namespace

http::Handler AuthorizeFlow::start() const {
  return [impl = impl_](const http::Request& request, http::Responder done) {
    auto page = [&](const PageError& e) {
      obs::audit("authorize_rejected", {{"reason", e.internal.empty() ? e.message : e.internal},
                                        {"remote_addr", request.remote_addr},
                                        {"request_id", request.request_id}});
      impl->error_page(done, e.status, "This sign-in link is not valid", e.message,
                       request.request_id);
    };
    // RFC 6749 §4.1.2.1: until client_id and redirect_uri are known good, never redirect.
    auto params = read_params(request);
    if (!params) return page(params.error());
    auto client_id = param(*params, "client_id");
    if (!client_id) return page({400, "The app did not say which app it is (client_id).", "no client_id"});
    auto client = impl->d.clients.find(*client_id);
    if (!client) {
      if (client.error() != StoreStatus::not_found) {
        return impl->error_page(done, 500, "Something went wrong",
                                "The server could not look up the app. Please try again.",
                                request.request_id);
      }
      return page({400, "The app is not registered with this server (unknown client_id).",
                   "unknown client_id"});
    }
    auto redirect_uri = resolve_redirect_uri(*params, *client);
    if (!redirect_uri) return page(redirect_uri.error());

    auto step = std::make_shared<Step>();
    step->client = std::move(*client);
    step->done = done;
    step->request_id = request.request_id;
    step->remote_addr = request.remote_addr;
    step->txn.request.redirect_uri = *redirect_uri;
    if (auto state = param(*params, "state")) step->txn.request.state = std::string(*state);

    auto checked = validate_request(*params, *redirect_uri, step->client, impl->request_settings);
    if (!checked) return impl->redirect_error(step, checked.error());
    step->txn.request = std::move(*checked);
    step->txn.csrf = crypto::random_token(impl->d.random, 32);
    auto session_id = read_cookie(request, kSessionCookie);

    // After the launch (if any) is known: a login session, then the transaction.
    auto begin = [impl, step, session_id] {
      auto& txn = step->txn;
      const auto now = impl->d.clock.now_seconds();
      const auto& req = txn.request;
      // Scope problems that do not depend on the user (system/, `launch` without a launch,
      // nothing the client may hold) are answered before any page: the user's ceiling can only
      // narrow the offer further.
      std::vector<std::string> client_ceiling;
      for (auto token : split(step->client.scope, ' ')) {
        if (!token.empty()) client_ceiling.emplace_back(token);
      }
      auto precheck =
          offer_scopes({req.scope, step->client.scope, client_ceiling, false, txn.ehr_launch});
      if (!precheck) return impl->redirect_error(step, precheck.error());
      if (session_id && !session_id->empty() && session_id->size() <= 128 && !req.prompt_login) {
        auto hash = crypto::sha256_b64url(*session_id);
        auto session = impl->d.flow.find_session(hash, now, impl->d.config.authorize.session_idle_timeout_s);
        // OIDC Core §3.1.2.1 max_age: an older login must be repeated. In an EHR launch the
        // launch's user wins over whoever else is logged in in this browser.
        bool fresh = session && (!req.max_age || now - session->auth_time <= *req.max_age);
        bool same_user = !txn.launch_user || (session && session->user_id == *txn.launch_user);
        if (fresh && same_user) {
          txn.user_id = session->user_id;
          txn.auth_time = session->auth_time;
          txn.session_hash = hash;
          impl->d.flow.touch_session(hash, now, [](StoreStatus) {});
        }
      }
      step->txn_id = crypto::random_token(impl->d.random, 32);
      TransactionRow row{to_json(txn), now + impl->d.config.authorize.transaction_lifetime_s};
      impl->d.flow.create_transaction(
          crypto::sha256_b64url(step->txn_id), std::move(row), [impl, step](StoreStatus s) {
            impl->post([impl, step, s] {
              if (s != StoreStatus::ok) {
                step->txn_id.clear();
                return impl->store_failed(step, "starting the transaction");
              }
              step->cookies.push_back(set_cookie(kTransactionCookie, step->txn_id,
                                                 impl->d.config.authorize.transaction_lifetime_s));
              impl->advance(step);
            });
          });
    };

    if (!step->txn.request.launch) return begin();
    // SMART App Launch 2.2, EHR Launch: the launch is single use, expires, and may be bound to
    // one client; any failure ends here without a code.
    impl->d.launches.consume(
        launch::hash_launch_id(*step->txn.request.launch), step->client.client_id,
        impl->d.clock.now_seconds(),
        [impl, step, begin](Expected<launch::Launch, launch::LaunchError> r) {
          impl->post([impl, step, begin, r = std::move(r)] {
            if (!r) {
              if (r.error() == launch::LaunchError::store_error) {
                return impl->store_failed(step, "using the launch");
              }
              return impl->redirect_error(
                  step, {oauth::ErrorCode::invalid_request,
                         "launch is unknown, expired, already used or for another app",
                         "launch " + std::string(launch::to_string(r.error()))});
            }
            obs::audit("launch_used", {{"client_id", step->client.client_id},
                                       {"user", r->user_id},
                                       {"request_id", step->request_id}});
            apply_launch(step->txn, *r);
            begin();
          });
        });
  };
}

}  // namespace sa::authorize
