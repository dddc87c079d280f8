#include "authorize/flow.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <utility>

#include "authorize/cookies.hpp"
#include "authorize/flow_impl.hpp"
#include "authorize/redirect.hpp"
#include "crypto/hash.hpp"
#include "obs/log.hpp"
#include "url/rules.hpp"

namespace sa::authorize {

using store::StoreStatus;

AuthorizeFlow::Impl::Impl(FlowDeps deps)
    : d(std::move(deps)),
      request_settings{d.config.smart.fhir_base_url, d.config.authorize.accepted_fhir_base_urls} {}

AuthorizeFlow::AuthorizeFlow(FlowDeps deps) : impl_(std::make_shared<Impl>(std::move(deps))) {}
AuthorizeFlow::~AuthorizeFlow() = default;

// ---------------------------------------------------------------------------------- answers --

void AuthorizeFlow::Impl::error_page(const http::Responder& done, int status, std::string title,
                                     std::string message, const std::string& request_id) const {
  d.metrics.increment("smart_auth_authorize_error_pages_total",
                      "Authorization requests answered with an error page, by status",
                      {{"status", std::to_string(status)}});
  done(d.pages.error(ErrorView{status, std::move(title), std::move(message), request_id}));
}

void AuthorizeFlow::Impl::send(const StepPtr& step, http::Response response) const {
  for (auto& cookie : step->cookies) response.add("Set-Cookie", cookie);
  step->done(std::move(response));
}

void AuthorizeFlow::Impl::redirect_error(const StepPtr& step, RedirectError error) const {
  obs::audit("authorize_denied", {{"client_id", step->client.client_id},
                                  {"error", std::string(oauth::to_string(error.code))},
                                  {"reason", error.internal.empty() ? error.description
                                                                    : error.internal},
                                  {"user", step->txn.user_id.value_or("")},
                                  {"request_id", step->request_id}});
  d.metrics.increment("smart_auth_authorize_errors_total",
                      "Authorization errors redirected to the app, by error code",
                      {{"error", std::string(oauth::to_string(error.code))}});
  auto location = error_redirect(step->txn.request.redirect_uri, error, step->txn.request.state,
                                 d.config.server.public_base_url);
  http::Response response;
  response.status = 303;
  response.set("Location", std::move(location));
  end_with(step, std::move(response));
}

void AuthorizeFlow::Impl::end_with(const StepPtr& step, http::Response response) const {
  if (step->txn_id.empty()) return send(step, std::move(response));
  // Single use: the transaction ends with its final answer, whatever it is, and the answer
  // leaves only once the end is durable, so the same cookie cannot go on to a code.
  step->cookies.push_back(clear_cookie(kTransactionCookie));
  auto self = shared_from_this();
  d.flow.finish_transaction(
      crypto::sha256_b64url(step->txn_id),
      [self, step, response = std::make_shared<http::Response>(std::move(response))](
          StoreStatus) { self->post([self, step, response] { self->send(step, *response); }); });
}

void AuthorizeFlow::Impl::unavailable_page(const StepPtr& step, std::string_view what) const {
  obs::log(obs::Level::warn, "user directory unavailable",
           {{"during", std::string(what)}, {"request_id", step->request_id}});
  RedirectError error{oauth::ErrorCode::temporarily_unavailable,
                      "the EHR user directory is not answering; try again later",
                      "directory unavailable during " + std::string(what)};
  auto back = error_redirect(step->txn.request.redirect_uri, error, step->txn.request.state,
                             d.config.server.public_base_url);
  obs::audit("authorize_unavailable", {{"client_id", step->client.client_id},
                                       {"during", std::string(what)},
                                       {"request_id", step->request_id}});
  // CONTRACT "User directory adapter": the user gets a page that says so, the app (through the
  // page's link) temporarily_unavailable.
  ErrorView view{503, "The EHR is not answering",
                 "The EHR's user directory did not answer in time. Please try again in a few "
                 "minutes.",
                 step->request_id};
  view.link_href = std::move(back);
  view.link_text = "Return to " + app_view(step->client).name;
  // The link tells the app temporarily_unavailable for this state: the transaction ends here,
  // as with every other final answer, so it cannot later produce a code for the same state.
  end_with(step, d.pages.error(view));
}

void AuthorizeFlow::Impl::store_failed(const StepPtr& step, std::string_view what) const {
  obs::log(obs::Level::error, "authorize store write failed",
           {{"during", std::string(what)}, {"request_id", step->request_id}});
  redirect_error(step, {oauth::ErrorCode::server_error, "the server could not save the request",
                        "store failure during " + std::string(what)});
}

void AuthorizeFlow::Impl::user_lookup_failed(const StepPtr& step, directory::DirectoryError error,
                                             std::string_view what) const {
  if (error == directory::DirectoryError::unavailable) return unavailable_page(step, what);
  // The EHR launched (or a session or an earlier login named) a user its directory does not
  // know, or no longer knows.
  redirect_error(step, {oauth::ErrorCode::access_denied,
                        "the user is not known to the EHR directory",
                        "directory: user not found during " + std::string(what)});
}

// ------------------------------------------------------------------------------ transaction --

void AuthorizeFlow::Impl::load(const http::Request& request, const http::Responder& done,
                               std::function<void(StepPtr)> next) const {
  auto expired = [&] {
    error_page(done, 400, "This sign-in has expired",
               "This sign-in page is no longer valid: it was finished, expired, or opened in "
               "another browser. Go back to the app and start again.",
               request.request_id);
  };
  auto id = read_cookie(request, kTransactionCookie);
  if (!id || id->empty() || id->size() > 128) return expired();
  auto row = d.flow.find_transaction(crypto::sha256_b64url(*id), d.clock.now_seconds());
  if (!row) {
    if (row.error() != StoreStatus::not_found) {
      return error_page(done, 500, "Something went wrong", "The server could not read this "
                        "sign-in. Please try again.", request.request_id);
    }
    return expired();
  }
  auto txn = transaction_from_json(row->state_json);
  if (!txn) return expired();
  auto client = d.clients.find(txn->request.client_id);
  if (!client) return expired();  // deleted since the request started
  auto step = std::make_shared<Step>();
  step->txn_id = std::move(*id);
  step->txn = std::move(*txn);
  step->client = std::move(*client);
  step->done = done;
  step->request_id = request.request_id;
  step->remote_addr = request.remote_addr;
  next(std::move(step));
}

void AuthorizeFlow::Impl::save_then(const StepPtr& step, std::function<void()> next) const {
  auto self = shared_from_this();
  d.flow.update_transaction(crypto::sha256_b64url(step->txn_id), to_json(step->txn),
                            [self, step, next = std::move(next)](StoreStatus status) {
                              self->post([self, step, next, status] {
                                if (status != StoreStatus::ok) {
                                  return self->store_failed(step, "saving the transaction");
                                }
                                next();
                              });
                            });
}

bool AuthorizeFlow::Impl::csrf_ok(const StepPtr& step, const Params& form) const {
  auto presented = param(form, "csrf");
  // RFC 9700 §4.7.1: a POST without this transaction's token did not come from our page.
  if (presented && secrets_equal(*presented, step->txn.csrf)) return true;
  obs::audit("csrf_rejected", {{"client_id", step->client.client_id},
                               {"remote_addr", step->remote_addr},
                               {"request_id", step->request_id}});
  error_page(step->done, 403, "This form has expired",
             "The form you sent does not belong to this sign-in. Go back to the app and start "
             "again.",
             step->request_id);
  return false;
}

// ------------------------------------------------------------------------------------ steps --

void AuthorizeFlow::Impl::advance(const StepPtr& step) const {
  auto self = shared_from_this();
  const auto& txn = step->txn;
  std::optional<std::string> who = txn.user_id;
  if (!who && txn.launch_user && !txn.request.prompt_login) who = txn.launch_user;
  if (!who) {
    // OIDC Core §3.1.2.6: prompt=none and nobody logged in.
    if (txn.request.prompt_none) {
      return redirect_error(step, {oauth::ErrorCode::login_required,
                                   "the user is not logged in", "prompt=none without a session"});
    }
    return save_then(step, [self, step] { self->show_login(step, 200, "", ""); });
  }
  d.directory.find_user(*who, [self, step](Expected<directory::User, directory::DirectoryError> r) {
    self->post([self, step, r = std::move(r)] {
      if (!r) return self->user_lookup_failed(step, r.error(), "user lookup");
      if (!step->txn.user_id) {  // vouched for by the EHR launch (SMART App Launch 2.2)
        step->txn.user_id = r->id;
        step->txn.auth_time = self->d.clock.now_seconds();
      }
      self->with_user(step, *r);
    });
  });
}

void AuthorizeFlow::Impl::with_user(const StepPtr& step, const directory::User& user) const {
  auto self = shared_from_this();
  auto& txn = step->txn;
  const auto own_patient = directory::own_patient_id(user);
  auto offer = offer_scopes({txn.request.scope, step->client.scope, user.scopes,
                             own_patient.has_value(), txn.ehr_launch});
  if (!offer) return redirect_error(step, offer.error());
  if (!offer->dropped.empty() && !txn.dropped_audited) {
    txn.dropped_audited = true;
    std::string dropped;
    for (const auto& d : offer->dropped) dropped += (dropped.empty() ? "" : "; ") + d;
    obs::audit("scopes_dropped", {{"client_id", step->client.client_id},
                                  {"user", user.id},
                                  {"dropped", dropped},
                                  {"request_id", step->request_id}});
  }

  // A patient context is needed for launch/patient, launch/encounter, and for patient/ scopes
  // (SMART App Launch 2.2, Scopes and Launch Context: patient/ scopes apply to the patient in
  // context; a standalone practitioner request without launch/patient is read as asking for one).
  // A patient user may open only their own record (CONTRACT "User directory adapter"): not even
  // an EHR launch can put another patient in context for them.
  if (own_patient && txn.patient && *txn.patient != *own_patient) {
    return redirect_error(step, {oauth::ErrorCode::access_denied,
                                 "the patient in context is not the user's own record",
                                 "launch patient differs from the patient user's own record"});
  }
  bool needs_patient = offer->needs_patient || offer->needs_encounter;
  for (const auto& s : offer->scopes) {
    if (s.kind == scopes::ScopeKind::Resource &&
        s.resource.context == scopes::Context::patient) {
      needs_patient = true;
    }
  }
  if (needs_patient && !txn.patient) {
    if (own_patient) {  // a patient user opens only their own record
      txn.patient = *own_patient;
      txn.patient_name = user.name;
    } else if (txn.request.prompt_none) {
      return redirect_error(step, {oauth::ErrorCode::consent_required,
                                   "a patient must be chosen", "prompt=none needs the picker"});
    } else {
      return show_patients(step, user, "");
    }
  }
  if (offer->needs_encounter && !txn.encounter) {
    if (txn.request.prompt_none) {
      return redirect_error(step, {oauth::ErrorCode::consent_required,
                                   "an encounter must be chosen", "prompt=none needs the picker"});
    }
    return show_encounters(step, user);
  }

  if (step->client.pre_approved) {  // the EHR vouches for the app: no consent page
    return issue_code(step, user, offer->scopes, false);
  }
  if (d.config.authorize.remember_consent && !txn.request.prompt_consent) {
    auto before = d.flow.find_consent(user.id, step->client.client_id);
    if (before && covered_by(*offer, *before)) return issue_code(step, user, offer->scopes, false);
  }
  if (txn.request.prompt_none) {
    return redirect_error(step, {oauth::ErrorCode::consent_required,
                                 "the user has not approved this app", "prompt=none"});
  }
  txn.consent_offered = true;
  save_then(step, [self, step, user, offer = std::move(*offer)] {
    self->show_consent(step, user, offer);
  });
}

void AuthorizeFlow::Impl::show_login(const StepPtr& step, int status, std::string message,
                                     std::string username) const {
  LoginView view{app_view(step->client), {std::string(paths::kLogin), step->txn.csrf},
                 std::move(username), std::move(message)};
  auto response = d.pages.login(view, form_origin(step));
  response.status = status;
  send(step, std::move(response));
}

void AuthorizeFlow::Impl::show_patients(const StepPtr& step, const directory::User& user,
                                        std::string query) const {
  auto self = shared_from_this();
  d.directory.find_patients(
      user.id, query,
      [self, step, query](Expected<std::vector<directory::Patient>, directory::DirectoryError> r) {
        self->post([self, step, query, r = std::move(r)] {
          if (!r) return self->unavailable_page(step, "patient search");
          PatientPickerView view;
          view.app = self->app_view(step->client);
          view.form = {std::string(paths::kPatient), step->txn.csrf};
          view.search_action = std::string(paths::kPatient);
          view.query = query;
          auto& offered = step->txn.offered_patients;
          for (const auto& p : *r) {
            view.patients.push_back({p.id, p.name, p.birth_date});
            if (std::find(offered.begin(), offered.end(), p.id) == offered.end() &&
                offered.size() < 1000) {
              offered.push_back(p.id);
              step->txn.offered_patient_names.push_back(p.name);
            }
          }
          if (view.patients.empty()) view.message = "No patients match.";
          self->save_then(step, [self, step, view = std::move(view)] {
            self->send(step, self->d.pages.patient_picker(view, self->form_origin(step)));
          });
        });
      });
}

void AuthorizeFlow::Impl::show_encounters(const StepPtr& step, const directory::User& user) const {
  auto self = shared_from_this();
  d.directory.find_encounters(
      user.id, *step->txn.patient,
      [self, step](Expected<std::vector<directory::Encounter>, directory::DirectoryError> r) {
        self->post([self, step, r = std::move(r)] {
          if (!r) return self->unavailable_page(step, "encounter list");
          EncounterPickerView view;
          view.app = self->app_view(step->client);
          view.form = {std::string(paths::kEncounter), step->txn.csrf};
          view.patient_name = step->txn.patient_name;
          step->txn.offered_encounters.clear();
          for (const auto& e : *r) {
            view.encounters.push_back({e.id, e.period, e.type});
            step->txn.offered_encounters.push_back(e.id);
          }
          if (view.encounters.empty()) view.message = "This patient has no encounters you can open.";
          self->save_then(step, [self, step, view = std::move(view)] {
            self->send(step, self->d.pages.encounter_picker(view, self->form_origin(step)));
          });
        });
      });
}

void AuthorizeFlow::Impl::show_consent(const StepPtr& step, const directory::User& user,
                                       const Offer& offer) const {
  ConsentView view;
  view.app = app_view(step->client);
  view.form = {std::string(paths::kConsent), step->txn.csrf};
  view.user_name = user.name;
  view.patient_name = step->txn.patient_name;
  auto to_row = [](const ConsentItem& item, auto& self_ref) -> ConsentRow {
    ConsentRow row{item.value, item.description, item.required, true, {}};
    for (const auto& sub : item.sub_items) {
      auto sub_row = self_ref(sub, self_ref);
      sub_row.checked = false;  // the parent covers them until the user narrows it
      row.sub_rows.push_back(std::move(sub_row));
    }
    return row;
  };
  for (const auto& item : consent_items(offer)) {
    view.rows.push_back(to_row(item, to_row));
    if (item.value == "offline_access") view.offline_access = true;
  }
  send(step, d.pages.consent(view, form_origin(step)));
}

void AuthorizeFlow::Impl::issue_code(const StepPtr& step, const directory::User& user,
                                     std::vector<scopes::Scope> granted, bool remember) const {
  auto self = shared_from_this();
  const auto now = d.clock.now_seconds();
  AuthorizationCode code;
  // Ordered: it keys the grants b-tree once the code is redeemed (crypto/random.hpp).
  code.grant_id = crypto::ordered_token(d.random, d.clock.now_microseconds(), 16);
  code.client_id = step->client.client_id;
  code.redirect_uri = step->txn.request.redirect_uri;
  code.redirect_uri_sent = step->txn.request.redirect_uri_sent;
  code.code_challenge = step->txn.request.code_challenge;
  code.nonce = step->txn.request.nonce;
  code.user_id = user.id;
  code.fhir_user = user.fhir_user;
  code.user_name = user.name;
  code.auth_time = step->txn.auth_time;
  code.scope = scopes::join(granted);
  code.context_json = context_json(step);
  code.aud = step->txn.request.aud;
  code.session_hash = step->txn.session_hash;  // online_access refresh tokens end with it
  code.issued_at = now;
  // RFC 6749 §4.1.2: short-lived; SMART App Launch 2.2 recommends about a minute.
  code.expires_at = now + d.config.authorize.code_lifetime_s;
  // RFC 6749 §10.10: at least 128 bits; we use 256.
  auto secret = crypto::random_token(d.random, 32);

  // Single use of the transaction first, so two concurrent approvals cannot both get a code.
  d.flow.finish_transaction(
      crypto::sha256_b64url(step->txn_id),
      [self, step, code = std::move(code), secret = std::move(secret), remember](StoreStatus s) {
        self->post([self, step, code, secret, remember, s]() mutable {
          if (s == StoreStatus::not_found) {
            return self->error_page(step->done, 400, "This sign-in is already finished",
                                    "This sign-in was already used. Go back to the app.",
                                    step->request_id);
          }
          if (s != StoreStatus::ok) return self->store_failed(step, "finishing the transaction");
          step->cookies.push_back(clear_cookie(kTransactionCookie));
          if (remember) {
            auto before = self->d.flow.find_consent(code.user_id, code.client_id);
            std::string scope = code.scope;
            if (before && !before->empty()) scope = *before + " " + scope;
            self->d.flow.save_consent(code.user_id, code.client_id, std::move(scope),
                                      self->d.clock.now_seconds(), [](StoreStatus) {});
          }
          auto fields_user = code.user_id;
          auto fields_scope = code.scope;
          auto grant_id = code.grant_id;
          self->d.codes.create(
              crypto::sha256_b64url(secret), std::move(code),
              [self, step, secret, fields_user, fields_scope, grant_id](StoreStatus cs) {
                self->post([self, step, secret, fields_user, fields_scope, grant_id, cs] {
                  if (cs != StoreStatus::ok) return self->store_failed(step, "saving the code");
                  obs::audit("code_issued", {{"client_id", step->client.client_id},
                                             {"user", fields_user},
                                             {"scope", fields_scope},
                                             {"grant_id", grant_id},
                                             {"code", obs::fingerprint(secret)},
                                             {"ehr_launch", step->txn.ehr_launch ? "yes" : "no"},
                                             {"request_id", step->request_id}});
                  self->d.metrics.increment("smart_auth_codes_issued_total",
                                            "Authorization codes issued");
                  http::Response response;
                  response.status = 303;  // RFC 9700 §4.12: never 307 after a credential POST
                  response.set("Location",
                               code_redirect(step->txn.request.redirect_uri, secret,
                                             step->txn.request.state,
                                             self->d.config.server.public_base_url));
                  self->send(step, std::move(response));
                });
              });
        });
      });
}

// ------------------------------------------------------------------------------------ views --

AppView AuthorizeFlow::Impl::app_view(const clients::ClientRecord& client) const {
  AppView view;
  view.name = client.client_id;
  rapidjson::Document doc;
  doc.Parse(client.metadata_json.data(), client.metadata_json.size());
  if (doc.HasParseError() || !doc.IsObject()) return view;
  auto text = [&](const char* key) -> std::string {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsString()) return {};
    return {it->value.GetString(), it->value.GetStringLength()};
  };
  if (auto name = text("client_name"); !name.empty()) view.name = std::move(name);
  view.logo_uri = text("logo_uri");
  view.client_uri = text("client_uri");
  view.policy_uri = text("policy_uri");
  view.tos_uri = text("tos_uri");
  return view;
}

std::string AuthorizeFlow::Impl::form_origin(const StepPtr& step) const {
  auto parts = url::split_client_url(step->txn.request.redirect_uri, url::ClientUrlUse::redirect_uri);
  if (!parts) return {};
  std::string origin = parts->https ? "https://" : "http://";
  origin += parts->host_kind == url::HostKind::ipv6 ? "[" + parts->host + "]" : parts->host;
  if (parts->port != (parts->https ? 443 : 80)) origin += ":" + std::to_string(parts->port);
  return origin;
}

std::string AuthorizeFlow::Impl::context_json(const StepPtr& step) const {
  const auto& t = step->txn;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto put = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  if (t.patient) put("patient", *t.patient);
  if (t.encounter) put("encounter", *t.encounter);
  if (t.fhir_context) {
    w.Key("fhirContext");
    w.RawValue(t.fhir_context->data(), t.fhir_context->size(), rapidjson::kArrayType);
  }
  // SMART App Launch 2.2, Launch context: in a standalone launch no EHR shows a banner, so the
  // app must; in an EHR launch the EHR says.
  w.Key("need_patient_banner");
  w.Bool(t.need_patient_banner.value_or(!t.ehr_launch));
  put("smart_style_url", t.smart_style_url.value_or(d.default_smart_style_url));
  if (t.intent) put("intent", *t.intent);
  if (t.tenant) put("tenant", *t.tenant);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace sa::authorize
