#include "directory/http_directory.hpp"

#include <utility>

#include "directory/directory_json.hpp"
#include "net/fetcher.hpp"
#include "obs/log.hpp"
#include "url/query.hpp"

namespace sa::directory {
namespace {

net::FetcherSettings fetcher_settings(const config::HttpDirectorySettings& s) {
  return net::FetcherSettings{
      .timeout_ms = s.timeout_ms,  // one deadline for the whole call (CONTRACT: never a hang)
      .max_bytes = s.max_response_bytes,
      .allow_loopback = s.allow_loopback,
      .ca_file = s.ca_file,
      // Issue 7: the directory's network is the operator's explicit choice, not the SSRF guard's.
      .allow_private = s.allow_private_addresses,
      .client_cert_file = s.client_cert_file,
      .client_key_file = s.client_key_file,
  };
}

// The one place a failed call is logged: which call, why, and the status if one was read. Never
// the username, the password or the token (STYLE "Secrets").
template <class T>
void unavailable(const Reply<T>& done, std::string_view call, std::string_view reason,
                 int http_status = 0) {
  obs::log(obs::Level::warn, "user directory unavailable",
           {{"call", std::string(call)},
            {"reason", std::string(reason)},
            obs::num("http_status", http_status)});
  done(unexpected(DirectoryError::unavailable));
}

template <class T>
void unavailable(const Reply<T>& done, std::string_view call, const net::FetchResult& result) {
  unavailable(done, call, net::to_string(result.status), result.http_status);
}

}  // namespace

HttpDirectory::HttpDirectory(config::HttpDirectorySettings settings, const Clock& clock)
    : settings_(std::move(settings)),
      clock_(clock),
      cache_(settings_.user_cache_s, settings_.user_cache_entries),
      fetcher_(std::make_unique<net::Fetcher>(fetcher_settings(settings_))) {}

HttpDirectory::~HttpDirectory() = default;

net::FetchRequest HttpDirectory::request(std::string url) const {
  net::FetchRequest request{.url = std::move(url)};
  if (!settings_.bearer_token.empty()) {
    request.headers.push_back(
        {"Authorization", "Bearer " + settings_.bearer_token});  // RFC 6750 §2.1
  }
  return request;
}

// CONTRACT: POST {base}/authenticate {"username","password"} -> 200 user | 401. Never cached: a
// changed password must take effect at once.
void HttpDirectory::authenticate(std::string username, std::string password, Reply<User> done) {
  auto body = json::authenticate_body(username, password);
  if (!body) {
    done(unexpected(DirectoryError::invalid_credentials));  // no user has a name that is not UTF-8
    return;
  }
  net::FetchRequest call = request(settings_.base_url + "/authenticate");
  call.method = net::Method::post;
  call.body = std::move(*body);
  call.ok_statuses = {200, 401};
  fetcher_->fetch(std::move(call), [done = std::move(done)](net::FetchResult result) {
    if (result.status != net::FetchStatus::ok) return unavailable(done, "authenticate", result);
    if (result.http_status == 401) return done(unexpected(DirectoryError::invalid_credentials));
    auto user = json::parse_user(result.body);
    if (!user) return unavailable(done, "authenticate", user.error(), result.http_status);
    done(std::move(*user));
  });
}

// CONTRACT: GET {base}/users/{id} -> 200 user | 404.
void HttpDirectory::find_user(std::string user_id, Reply<User> done) {
  auto segment = url::encode_path_segment(user_id);
  if (!segment) {
    done(unexpected(DirectoryError::not_found));  // "", "." and ".." name no user's URL
    return;
  }
  if (auto cached = cache_.get(user_id, clock_.now_seconds())) {
    done(std::move(*cached));
    return;
  }
  net::FetchRequest call = request(settings_.base_url + "/users/" + *segment);
  call.ok_statuses = {200, 404};
  fetcher_->fetch(std::move(call), [this, user_id = std::move(user_id),
                                    done = std::move(done)](net::FetchResult result) {
    if (result.status != net::FetchStatus::ok) return unavailable(done, "find_user", result);
    if (result.http_status == 404) return done(unexpected(DirectoryError::not_found));
    auto user = json::parse_user(result.body);
    if (!user) return unavailable(done, "find_user", user.error(), result.http_status);
    // An answer about someone else is a directory we cannot read, never that other user.
    if (user->id != user_id)
      return unavailable(done, "find_user", "user.id is not the id asked for");
    cache_.put(*user, clock_.now_seconds());
    done(std::move(*user));
  });
}

// CONTRACT: GET {base}/patients?user={id}&q={text} -> 200 [{"id","name","birthDate"}], only the
// patients this user may open.
void HttpDirectory::find_patients(std::string user_id, std::string query,
                                  Reply<std::vector<Patient>> done) {
  const url::QueryParam params[] = {{"user", std::move(user_id)}, {"q", std::move(query)}};
  auto url = url::add_query_params(settings_.base_url + "/patients", params);
  if (!url) return unavailable(done, "find_patients", "the base URL does not parse");
  net::FetchRequest call = request(std::move(*url));
  fetcher_->fetch(std::move(call), [done = std::move(done)](net::FetchResult result) {
    if (result.status != net::FetchStatus::ok) return unavailable(done, "find_patients", result);
    auto patients = json::parse_patients(result.body);
    if (!patients) return unavailable(done, "find_patients", patients.error(), result.http_status);
    done(std::move(*patients));
  });
}

// CONTRACT: GET {base}/patients/{id}/encounters?user={id} -> 200 [{"id","period","type"}].
void HttpDirectory::find_encounters(std::string user_id, std::string patient_id,
                                    Reply<std::vector<Encounter>> done) {
  auto segment = url::encode_path_segment(patient_id);
  if (!segment) return unavailable(done, "find_encounters", "the patient id names no URL");
  const url::QueryParam params[] = {{"user", std::move(user_id)}};
  auto url =
      url::add_query_params(settings_.base_url + "/patients/" + *segment + "/encounters", params);
  if (!url) return unavailable(done, "find_encounters", "the base URL does not parse");
  net::FetchRequest call = request(std::move(*url));
  fetcher_->fetch(std::move(call), [done = std::move(done)](net::FetchResult result) {
    if (result.status != net::FetchStatus::ok) return unavailable(done, "find_encounters", result);
    auto encounters = json::parse_encounters(result.body);
    if (!encounters) {
      return unavailable(done, "find_encounters", encounters.error(), result.http_status);
    }
    done(std::move(*encounters));
  });
}

}  // namespace sa::directory
