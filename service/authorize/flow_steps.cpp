// The POSTs (and the patient search GET) behind the pages: login, patient and encounter choice,
// consent. Each reloads the transaction from its cookie and checks the CSRF token first.
#include <algorithm>
#include <array>
#include <utility>

#include "authorize/cookies.hpp"
#include "authorize/flow.hpp"
#include "authorize/flow_impl.hpp"
#include "crypto/hash.hpp"
#include "obs/log.hpp"

namespace sa::authorize {
namespace {

using store::StoreStatus;

constexpr std::array<std::string_view, 1> kRepeatable = {"scope"};

// The form body of a page POST. A malformed form is treated like a missing field.
Params read_form(const http::Request& request) {
  auto parsed = url::parse_query(request.body, {.max_params = 400,
                                                .max_length = 64 * 1024,
                                                .repeatable = kRepeatable});
  return parsed ? std::move(*parsed) : Params{};
}

std::string field(const Params& form, std::string_view name) {
  auto value = param(form, name);
  return value ? std::string(*value) : std::string();
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

http::Handler AuthorizeFlow::login() const {
  return [impl = impl_](const http::Request& request, http::Responder done) {
    auto form = read_form(request);
    impl->load(request, done, [impl, form = std::move(form)](StepPtr step) {
      if (!impl->csrf_ok(step, form)) return;
      // One login per transaction: a second one could carry the first user's picks over to
      // another user.
      if (step->txn.user_id) return impl->advance(step);
      auto username = field(form, "username");
      auto password = field(form, "password");
      if (username.empty() || password.empty() || username.size() > 256 ||
          password.size() > 1024) {
        return impl->show_login(step, 400, "Enter your username and password.", username);
      }
      // RFC 9700 §4.16 / SMART App Launch 2.2: brute-force back-off per username and address.
      auto verdict = impl->d.throttle.check(username, step->remote_addr);
      if (!verdict.allowed) {
        obs::audit("login_throttled", {{"username", username},
                                       {"remote_addr", step->remote_addr},
                                       {"retry_after_s", std::to_string(verdict.retry_after_s)},
                                       {"request_id", step->request_id}});
        return impl->show_login(step, 429,
                                "Too many failed attempts. Try again in " +
                                    std::to_string(verdict.retry_after_s) + " seconds.",
                                username);
      }
      impl->d.directory.authenticate(
          username, std::move(password),
          [impl, step, username](Expected<directory::User, directory::DirectoryError> r) {
            impl->post([impl, step, username, r = std::move(r)] {
              if (!r) {
                if (r.error() == directory::DirectoryError::unavailable) {
                  return impl->unavailable_page(step, "login");
                }
                impl->d.throttle.failed(username, step->remote_addr);
                obs::audit("login_failed", {{"username", username},
                                            {"client_id", step->client.client_id},
                                            {"remote_addr", step->remote_addr},
                                            {"request_id", step->request_id}});
                return impl->show_login(step, 401, "Wrong username or password.", username);
              }
              auto& txn = step->txn;
              // An EHR launch vouched for one user; prompt=login may not swap in another.
              if (txn.launch_user && *txn.launch_user != r->id) {
                return impl->redirect_error(step, {oauth::ErrorCode::access_denied,
                                                   "the user who logged in is not the launch's user",
                                                   "login user differs from launch user"});
              }
              const auto now = impl->d.clock.now_seconds();
              obs::audit("login_ok", {{"user", r->id},
                                      {"client_id", step->client.client_id},
                                      {"remote_addr", step->remote_addr},
                                      {"request_id", step->request_id}});
              txn.user_id = r->id;
              txn.auth_time = now;
              txn.new_login = true;
              const auto& settings = impl->d.config.authorize;
              if (settings.session_lifetime_s == 0) return impl->with_user(step, *r);  // no reuse
              auto session_id = crypto::random_token(impl->d.random, 32);
              LoginSession session{r->id, now, now,
                                   now + static_cast<std::int64_t>(settings.session_lifetime_s)};
              step->cookies.push_back(
                  set_cookie(kSessionCookie, session_id, settings.session_lifetime_s));
              auto user = *r;
              txn.session_hash = crypto::sha256_b64url(session_id);
              impl->d.flow.create_session(
                  *txn.session_hash, std::move(session),
                  [impl, step, user](StoreStatus s) {
                    impl->post([impl, step, user, s] {
                      if (s != StoreStatus::ok) return impl->store_failed(step, "saving the login");
                      impl->with_user(step, user);
                    });
                  });
            });
          });
    });
  };
}

http::Handler AuthorizeFlow::search_patients() const {
  return [impl = impl_](const http::Request& request, http::Responder done) {
    auto query = url::parse_query(request.query, {.max_params = 8, .max_length = 1024});
    std::string q = query ? field(*query, "q") : std::string();
    impl->load(request, done, [impl, q](StepPtr step) {
      if (!step->txn.user_id) return impl->advance(step);
      impl->d.directory.find_user(
          *step->txn.user_id, [impl, step, q](Expected<directory::User, directory::DirectoryError> r) {
            impl->post([impl, step, q, r = std::move(r)] {
              if (!r) return impl->user_lookup_failed(step, r.error(), "patient search");
              impl->show_patients(step, *r, q.substr(0, 200));
            });
          });
    });
  };
}

http::Handler AuthorizeFlow::choose_patient() const {
  return [impl = impl_](const http::Request& request, http::Responder done) {
    auto form = read_form(request);
    impl->load(request, done, [impl, form = std::move(form)](StepPtr step) {
      if (!impl->csrf_ok(step, form)) return;
      if (!step->txn.user_id) return impl->advance(step);
      if (field(form, "decision") == "cancel") {
        // SMART App Launch 2.2: launch/patient asked for a patient and the user chose none.
        return impl->redirect_error(step, {oauth::ErrorCode::access_denied,
                                           "the user did not choose a patient",
                                           "patient picker cancelled"});
      }
      auto patient = field(form, "patient");
      const auto& offered = step->txn.offered_patients;
      auto found = std::find(offered.begin(), offered.end(), patient);
      // Only a patient the directory offered to this user in this transaction.
      if (patient.empty() || found == offered.end()) {
        obs::audit("patient_choice_rejected", {{"user", *step->txn.user_id},
                                               {"client_id", step->client.client_id},
                                               {"request_id", step->request_id}});
        return impl->error_page(step->done, 400, "Choose a patient from the list",
                                "That patient was not offered. Go back and choose from the list.",
                                step->request_id);
      }
      step->txn.patient = patient;
      step->txn.patient_name = step->txn.offered_patient_names[found - offered.begin()];
      // An encounter belongs to its patient: a new patient means choosing the encounter again.
      step->txn.encounter.reset();
      step->txn.offered_encounters.clear();
      impl->save_then(step, [impl, step] { impl->advance(step); });
    });
  };
}

http::Handler AuthorizeFlow::choose_encounter() const {
  return [impl = impl_](const http::Request& request, http::Responder done) {
    auto form = read_form(request);
    impl->load(request, done, [impl, form = std::move(form)](StepPtr step) {
      if (!impl->csrf_ok(step, form)) return;
      if (!step->txn.user_id || !step->txn.patient) return impl->advance(step);
      if (field(form, "decision") == "cancel") {
        return impl->redirect_error(step, {oauth::ErrorCode::access_denied,
                                           "the user did not choose an encounter",
                                           "encounter picker cancelled"});
      }
      auto encounter = field(form, "encounter");
      if (encounter.empty() || !contains(step->txn.offered_encounters, encounter)) {
        return impl->error_page(step->done, 400, "Choose an encounter from the list",
                                "That encounter was not offered. Go back and choose from the list.",
                                step->request_id);
      }
      step->txn.encounter = encounter;
      impl->save_then(step, [impl, step] { impl->advance(step); });
    });
  };
}

http::Handler AuthorizeFlow::consent() const {
  return [impl = impl_](const http::Request& request, http::Responder done) {
    auto form = read_form(request);
    impl->load(request, done, [impl, form = std::move(form)](StepPtr step) {
      if (!impl->csrf_ok(step, form)) return;
      // Only an answer to the consent page counts: a POST that skips the login or a picker
      // (with the CSRF token of an earlier page) goes back to where the flow really is.
      if (!step->txn.user_id || !step->txn.consent_offered) return impl->advance(step);
      impl->d.directory.find_user(*step->txn.user_id, [impl, step, form](
                                                          Expected<directory::User,
                                                                   directory::DirectoryError> r) {
        impl->post([impl, step, form, r = std::move(r)] {
          if (!r) return impl->user_lookup_failed(step, r.error(), "consent");
          const auto& user = *r;
          if (field(form, "decision") != "approve") {
            obs::audit("consent_denied", {{"user", user.id},
                                          {"client_id", step->client.client_id},
                                          {"request_id", step->request_id}});
            return impl->redirect_error(step, {oauth::ErrorCode::access_denied,
                                               "the user denied access", "consent denied"});
          }
          // The offer is recomputed from the saved request, never taken from the form.
          auto offer = offer_scopes({step->txn.request.scope, step->client.scope, user.scopes,
                                     directory::own_patient_id(user).has_value(),
                                     step->txn.ehr_launch});
          if (!offer) return impl->redirect_error(step, offer.error());
          std::vector<std::string> ticked;
          for (const auto& p : form) {
            if (p.name == "scope") ticked.push_back(p.value);
          }
          auto granted = approve(*offer, ticked);
          if (!granted) return impl->redirect_error(step, granted.error());
          obs::audit("consent_approved", {{"user", user.id},
                                          {"client_id", step->client.client_id},
                                          {"scope", scopes::join(*granted)},
                                          {"request_id", step->request_id}});
          impl->issue_code(step, user, std::move(*granted),
                           impl->d.config.authorize.remember_consent);
        });
      });
    });
  };
}

}  // namespace sa::authorize
