// Storage of EHR launches (table launches): the context an EHR vouches for before it opens an
// app (CONTRACT "EHR launch-context API"). The launch id itself is never stored, only its
// SHA-256 hash. A launch is single use: consume() marks it used, so a second use is told apart
// from an unknown id in the audit log (the client never learns which). SqliteLaunchStore is the
// one backend.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "store/status.hpp"
#include "util/expected.hpp"

namespace sa::launch {

struct Launch {
  std::string user_id;  // directory user id; the user the EHR has logged in
  std::optional<std::string> patient;
  std::optional<std::string> encounter;
  std::optional<std::string> client_id;    // only this client may use the launch
  std::optional<std::string> fhir_context;  // JSON array text (SMART App Launch 2.2 fhirContext)
  std::optional<std::string> intent;
  std::optional<bool> need_patient_banner;
  std::optional<std::string> smart_style_url;
  std::optional<std::string> tenant;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
};

enum class LaunchError {
  unknown,       // no launch has this id
  expired,
  used,          // consumed before
  other_client,  // bound to another client_id; not consumed by this attempt
  store_error,   // the store failed; the launch may or may not have been consumed
};
std::string_view to_string(LaunchError error);

using ConsumeFn = std::function<void(Expected<Launch, LaunchError>)>;

// The id_hash of a launch id as the store keys it (base64url SHA-256): the launch endpoint and
// whoever consumes a launch must hash the same way.
std::string hash_launch_id(std::string_view launch_id);

class LaunchStore {
 public:
  virtual ~LaunchStore() = default;

  // id_hash = hash_launch_id(launch id). conflict if the hash is taken.
  virtual void create(std::string id_hash, Launch launch, store::DoneFn done) = 0;
  // Atomically checks and marks the launch used (one write: two concurrent consumers cannot both
  // succeed). done runs after the mark is durable, on the store's writer thread: keep it short.
  virtual void consume(std::string id_hash, std::string client_id, std::int64_t now,
                       ConsumeFn done) = 0;
  // Deletes at most `limit` launches whose expires_at is at or before now (used or not).
  virtual void delete_expired(std::int64_t now, std::uint32_t limit, store::PurgedFn done) = 0;
};

}  // namespace sa::launch
