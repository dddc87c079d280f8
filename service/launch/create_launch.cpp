#include "launch/create_launch.hpp"

#include "obs/log.hpp"

namespace sa::launch {
namespace {

using oauth::ErrorCode;

// SEC-2 / SMART App Launch 2.2, "EHR Launch": the handle is unguessable; 256 bits, well over the
// 128 the contract asks for.
constexpr std::size_t kLaunchIdBytes = 32;

}  // namespace

void create_launch(const LaunchServices& s, Launch launch, LaunchCaller caller, CreateDone done) {
  if (launch.client_id) {
    // LAUNCH-2: a launch bound to a client is bound to one that exists.
    auto client = s.clients.find(*launch.client_id);
    if (!client) {
      if (client.error() == store::StoreStatus::not_found) {
        return done(unexpected(
            oauth::make_error(ErrorCode::invalid_request, "client_id is not a registered client")));
      }
      return done(unexpected(oauth::make_error(ErrorCode::server_error,
                                               "the client store failed",
                                               std::string(store::to_string(client.error())))));
    }
  }

  const std::uint32_t expires_in = s.config.launch.expires_in_s;
  launch.created_at = s.clock.now_seconds();
  launch.expires_at = launch.created_at + expires_in;
  // LAUNCH-2, SEC-2: unguessable, short-lived, stored only as its hash.
  CreatedLaunch created{crypto::random_token(s.random, kLaunchIdBytes), expires_in};
  const std::string fingerprint = obs::fingerprint(created.launch_id);
  const std::string id_hash = hash_launch_id(created.launch_id);
  // Everything the audit line needs, by value: the request is gone when the commit answers.
  const std::string user = launch.user_id;
  const std::string patient = launch.patient.value_or("");
  const std::string encounter = launch.encounter.value_or("");
  const std::string client_id = launch.client_id.value_or("");
  s.launches.create(
      id_hash, std::move(launch),
      [done = std::move(done), created = std::move(created), fingerprint, user, patient,
       encounter, client_id, caller = std::move(caller)](store::StoreStatus status) {
        if (status != store::StoreStatus::ok) {
          // constraint: the bound client was deleted between the check and the write.
          if (status == store::StoreStatus::constraint) {
            return done(unexpected(oauth::make_error(
                ErrorCode::invalid_request, "client_id is not a registered client",
                "client deleted before the launch was stored")));
          }
          return done(unexpected(
              oauth::make_error(ErrorCode::server_error, "the launch could not be stored",
                                "launch not stored: " + std::string(store::to_string(status)))));
        }
        obs::audit("launch_created", {{"request_id", caller.request_id},
                                      {"remote_addr", caller.remote_addr},
                                      {"via", caller.via},
                                      {"launch_fingerprint", fingerprint},
                                      {"user", user},
                                      {"patient", patient},
                                      {"encounter", encounter},
                                      {"client_id", client_id},
                                      obs::num("expires_in", created.expires_in)});
        done(created);
      });
}

}  // namespace sa::launch
