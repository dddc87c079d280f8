// The EHR's user directory as smart-auth sees it (CONTRACT "User directory adapter"): who a user
// is, what that user may delegate, and which patients and encounters that user may open. The
// service never decides this itself. Adapters answer through callbacks so that no I/O thread
// ever waits on the directory; a callback may run on any thread (a worker, the fetch thread, or
// the caller's) and must not block. Adapters: builtin_directory.hpp, http_directory.hpp.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.hpp"

namespace sa::directory {

struct User {
  std::string id;         // the directory's own user id: the `sub` of tokens issued for this user
  std::string fhir_user;  // "Practitioner/1", "Patient/123" (relative) or an absolute FHIR URL
  std::string name;       // for display and the OIDC `name` claim
  std::vector<std::string> scopes;  // the ceiling this user may delegate ("user/*.rs", ...)
};

// The Patient id when fhir_user is a Patient reference (relative or absolute), else none: such a
// user is a patient, who may only ever open their own record (SMART App Launch 2.2, patient/).
std::optional<std::string> own_patient_id(const User& user);

struct Patient {
  std::string id;
  std::string name;
  std::string birth_date;  // as the directory gives it (FHIR date), may be empty
};

struct Encounter {
  std::string id;
  std::string period;  // display text of the FHIR Period ("2024-01-02 to 2024-01-05"), may be empty
  std::string type;    // display text, may be empty
};

enum class DirectoryError {
  invalid_credentials,  // authenticate(): unknown user or wrong password (never told apart)
  not_found,            // find_user(): no such user
  unavailable,          // down, slow, refused, or answered something this adapter cannot read
};
std::string_view to_string(DirectoryError error);

template <class T>
using Reply = std::function<void(Expected<T, DirectoryError>)>;

class Directory {
 public:
  virtual ~Directory() = default;

  virtual void authenticate(std::string username, std::string password, Reply<User> done) = 0;
  virtual void find_user(std::string user_id, Reply<User> done) = 0;
  // Only the patients this user may open, matching `query` (name text; empty = any).
  virtual void find_patients(std::string user_id, std::string query,
                             Reply<std::vector<Patient>> done) = 0;
  // The encounters of `patient_id` this user may open.
  virtual void find_encounters(std::string user_id, std::string patient_id,
                               Reply<std::vector<Encounter>> done) = 0;
};

}  // namespace sa::directory
