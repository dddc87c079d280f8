// The `builtin` directory adapter (CONTRACT "User directory adapter"): users, patients and
// encounters read once at start from a YAML file (config/demo-directory.yaml is the example) and
// never changed after. Passwords are argon2id hashes checked on this adapter's own worker threads.
// The other calls answer inline, on the caller's thread, before they return: the data is in
// memory and immutable, so there is nothing to wait for and nothing to lock.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "directory/directory.hpp"
#include "directory/password_hash.hpp"
#include "util/expected.hpp"
#include "util/worker_pool.hpp"

namespace sa::directory {

// The file's contents, checked.
struct BuiltinUser {
  User user;
  std::string username;
  std::string password_hash;  // argon2id, encoded
  // Which patients this user may open: a patient user only their own record (own_patient_id);
  // anyone else `all` or the listed ids.
  bool all_patients = false;
  std::vector<std::string> patient_ids;
};

struct BuiltinPatient {
  Patient patient;
  std::vector<Encounter> encounters;
};

struct BuiltinDirectoryData {
  std::vector<BuiltinUser> users;
  std::vector<BuiltinPatient> patients;
};

// Parses and checks a directory file's text. Unknown keys, duplicate ids, usernames or patient
// ids, references to patients not in the file and malformed hashes are refused. The error has
// one line per problem, each "<file_name>: <key path>: <problem>".
Expected<BuiltinDirectoryData, std::string> parse_builtin_directory(std::string_view yaml,
                                                                    std::string_view file_name);

class BuiltinDirectory final : public Directory {
 public:
  // Most patients one find_patients answer holds; a narrower query finds the rest.
  static constexpr std::size_t kMaxPatients = 50;

  // Reads settings.file, then builds the directory.
  static Expected<std::unique_ptr<BuiltinDirectory>, std::string> load(
      const config::BuiltinDirectorySettings& settings);

  // Builds the dummy hash for unknown usernames (text only: no argon2id run) and starts the
  // threads.
  BuiltinDirectory(BuiltinDirectoryData data, unsigned password_threads);
  // Queued password checks finish (and answer) before the threads are joined.
  ~BuiltinDirectory() override;

  // On a password thread.
  void authenticate(std::string username, std::string password, Reply<User> done) override;
  // Inline.
  void find_user(std::string user_id, Reply<User> done) override;
  // Inline. An unknown user may open nothing: an empty list.
  void find_patients(std::string user_id, std::string query,
                     Reply<std::vector<Patient>> done) override;
  // Inline. A patient the user may not open (or that does not exist) has no encounters for them:
  // an empty list, as the http adapter's directory answers.
  void find_encounters(std::string user_id, std::string patient_id,
                       Reply<std::vector<Encounter>> done) override;

  // The file's users, patients and encounters, for the demo EHR launcher (service/demo/), which
  // lists them as the EHR's own screens would.
  const BuiltinDirectoryData& data() const { return data_; }
  // Whether `user` may open `patient_id` (the rule find_patients() and find_encounters() apply).
  bool may_open(const BuiltinUser& user, std::string_view patient_id) const;

  // What an unknown username's password is checked against: the file's costliest parameters,
  // a tag nothing matches. For tests.
  const std::string& dummy_hash() const { return dummy_hash_; }

 private:
  const BuiltinUser* user_by_id(std::string_view id) const;
  Expected<User, DirectoryError> check_password(const std::string& username,
                                                const std::string& password) const;

  BuiltinDirectoryData data_;
  std::string dummy_hash_;
  WorkerPool passwords_;  // last: joined before the data its tasks read goes away
};

}  // namespace sa::directory
