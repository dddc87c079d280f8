// The `http` user directory adapter: the REST protocol of CONTRACT "User directory adapter" over
// HTTPS to the EHR (base URL, bearer token or client certificate, CA bundle, timeout, size limit,
// the operator's address policy), on net::Fetcher's own thread so no caller ever waits. 401 from
// /authenticate and 404 from /users/{id} are answers; anything else unexpected (other statuses,
// timeout, refusal, oversized or unreadable bodies) is `unavailable`, with the reason in the app
// log and never the password or the token. find_user answers are cached briefly (UserCache).
#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"
#include "directory/directory.hpp"
#include "directory/user_cache.hpp"
#include "util/clock.hpp"

namespace sa::net {
class Fetcher;
struct FetchRequest;
struct FetchResult;
}  // namespace sa::net

namespace sa::directory {

class HttpDirectory final : public Directory {
 public:
  // Throws at start-up on an unreadable CA bundle, client certificate or key (net::Fetcher).
  // Callbacks run on the fetch thread, or on the caller's for cache hits and ids that cannot
  // be asked for; they must not block.
  HttpDirectory(config::HttpDirectorySettings settings, const Clock& clock);
  ~HttpDirectory() override;  // answers calls still in flight with `unavailable`

  void authenticate(std::string username, std::string password, Reply<User> done) override;
  void find_user(std::string user_id, Reply<User> done) override;
  void find_patients(std::string user_id, std::string query,
                     Reply<std::vector<Patient>> done) override;
  void find_encounters(std::string user_id, std::string patient_id,
                       Reply<std::vector<Encounter>> done) override;

 private:
  net::FetchRequest request(std::string url) const;  // a GET with the bearer token, if any

  const config::HttpDirectorySettings settings_;
  const Clock& clock_;
  UserCache cache_;
  std::unique_ptr<net::Fetcher> fetcher_;  // last: destroyed first, while the rest still lives
};

}  // namespace sa::directory
