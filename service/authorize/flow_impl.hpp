// Internal to the authorize flow (flow.cpp, flow_start.cpp, flow_steps.cpp): the state one
// request step carries through its asynchronous continuations, and the shared helpers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "authorize/flow.hpp"
#include "authorize/scope_grant.hpp"
#include "authorize/transaction.hpp"

namespace sa::authorize {

// One HTTP request of the flow, from the moment its transaction is known.
struct Step {
  std::string txn_id;  // the raw id, as in the cookie; stored only hashed
  Transaction txn;
  clients::ClientRecord client;
  http::Responder done;
  std::string request_id;
  std::string remote_addr;
  std::vector<std::string> cookies;  // Set-Cookie values for the response that ends this step
};
using StepPtr = std::shared_ptr<Step>;

struct AuthorizeFlow::Impl : std::enable_shared_from_this<AuthorizeFlow::Impl> {
  explicit Impl(FlowDeps deps);

  FlowDeps d;
  RequestSettings request_settings;

  // Runs fn on the worker pool (continuations of store and directory callbacks).
  void post(std::function<void()> fn) const { d.workers.post(std::move(fn)); }

  // --- answers ---
  void error_page(const http::Responder& done, int status, std::string title,
                  std::string message, const std::string& request_id) const;
  // The error goes back to the app (RFC 6749 §4.1.2.1) and the transaction ends.
  void redirect_error(const StepPtr& step, RedirectError error) const;
  void send(const StepPtr& step, http::Response response) const;
  // Ends the transaction (durably), then sends the final answer.
  void end_with(const StepPtr& step, http::Response response) const;
  void unavailable_page(const StepPtr& step, std::string_view what) const;
  void store_failed(const StepPtr& step, std::string_view what) const;
  // A failed user lookup: unavailable -> the unavailable page; not found (the user was removed
  // from the directory) -> access_denied back to the app.
  void user_lookup_failed(const StepPtr& step, directory::DirectoryError error,
                          std::string_view what) const;

  // --- transaction ---
  // The transaction named by the request's cookie, and its client; an error page otherwise.
  void load(const http::Request& request, const http::Responder& done,
            std::function<void(StepPtr)> next) const;
  void save_then(const StepPtr& step, std::function<void()> next) const;
  bool csrf_ok(const StepPtr& step, const Params& form) const;

  // --- the steps, in order ---
  void advance(const StepPtr& step) const;
  void with_user(const StepPtr& step, const directory::User& user) const;
  void show_login(const StepPtr& step, int status, std::string message,
                  std::string username) const;
  void show_patients(const StepPtr& step, const directory::User& user,
                     std::string query) const;
  void show_encounters(const StepPtr& step, const directory::User& user) const;
  void show_consent(const StepPtr& step, const directory::User& user, const Offer& offer) const;
  void issue_code(const StepPtr& step, const directory::User& user,
                  std::vector<scopes::Scope> granted, bool remember) const;

  AppView app_view(const clients::ClientRecord& client) const;
  std::string form_origin(const StepPtr& step) const;
  std::string context_json(const StepPtr& step) const;
};

}  // namespace sa::authorize
