#include "directory/builtin_directory.hpp"
#include "util/base64url.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sa::directory {
namespace {

constexpr std::size_t kMaxFileBytes = std::size_t{16} * 1024 * 1024;

// The dummy salt for unknown usernames. What it is does not matter (the result is thrown away);
// only that checking a password against it costs what checking a real user's password costs.
constexpr std::array<std::uint8_t, kSaltBytes> kDummySalt = {
    's', 'm', 'a', 'r', 't', '-', 'a', 'u', 't', 'h', '-', 'd', 'u', 'm', 'm', 'y'};

// The costliest parameters in the file (the defaults when it has no users), so an unknown
// username takes at least as long as any real one.
Argon2Params dummy_params(const BuiltinDirectoryData& data) {
  if (data.users.empty()) return kDefaultArgon2Params;
  Argon2Params most{1, 8, 1};
  for (const BuiltinUser& user : data.users) {
    auto params = parse_argon2id(user.password_hash);  // checked when the file was read
    if (!params) continue;
    most.passes = std::max(most.passes, params->passes);
    most.memory_kib = std::max(most.memory_kib, params->memory_kib);
    most.parallelism = std::max(most.parallelism, params->parallelism);
  }
  most.memory_kib = std::max(most.memory_kib, 8 * most.parallelism);
  return most;
}

// An encoded argon2id hash (PHC string format) with those parameters and an all-zero tag, built
// as text: checking a password against it runs argon2id at full cost and never matches, and
// nothing is hashed at start (a hash at start would make every idle server's peak memory the
// 19 MiB of one argon2id run).
std::string make_dummy_hash(const BuiltinDirectoryData& data) {
  const Argon2Params p = dummy_params(data);
  auto unpadded = [](std::string b64) {
    while (!b64.empty() && b64.back() == '=') b64.pop_back();
    return b64;
  };
  const std::string salt(kDummySalt.begin(), kDummySalt.end());
  return "$argon2id$v=19$m=" + std::to_string(p.memory_kib) + ",t=" + std::to_string(p.passes) +
         ",p=" + std::to_string(p.parallelism) + "$" + unpadded(base64_encode(salt)) + "$" +
         unpadded(base64_encode(std::string(kHashBytes, '\0')));
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::vector<std::string> lower_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += lower(c);
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

// Every word of the query starts some word of the name, ignoring ASCII case ("smi jo" finds
// "John Smith"); a query equal to the patient's id finds that patient too.
bool matches(const Patient& patient, const std::vector<std::string>& query_words,
             std::string_view query) {
  if (query_words.empty() || query == patient.id) return true;
  const std::vector<std::string> name_words = lower_words(patient.name);
  return std::all_of(query_words.begin(), query_words.end(), [&](const std::string& q) {
    return std::any_of(name_words.begin(), name_words.end(),
                       [&](const std::string& n) { return n.starts_with(q); });
  });
}

}  // namespace

Expected<std::unique_ptr<BuiltinDirectory>, std::string> BuiltinDirectory::load(
    const config::BuiltinDirectorySettings& settings) {
  std::ifstream file(settings.file, std::ios::binary);
  if (!file) return unexpected("cannot open directory file \"" + settings.file + "\"");
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return unexpected("cannot read directory file \"" + settings.file + "\"");
  if (text.str().size() > kMaxFileBytes) {
    return unexpected("directory file \"" + settings.file + "\" is larger than 16 MiB");
  }
  auto data = parse_builtin_directory(text.str(), settings.file);
  if (!data) return unexpected(data.error());
  try {
    return std::make_unique<BuiltinDirectory>(std::move(data).value(), settings.password_threads);
  } catch (const std::exception& e) {
    return unexpected(std::string(e.what()));
  }
}

BuiltinDirectory::BuiltinDirectory(BuiltinDirectoryData data, unsigned password_threads)
    : data_(std::move(data)),
      dummy_hash_(make_dummy_hash(data_)),
      passwords_(std::max(1u, password_threads)) {}

BuiltinDirectory::~BuiltinDirectory() { passwords_.stop(); }

const BuiltinUser* BuiltinDirectory::user_by_id(std::string_view id) const {
  for (const BuiltinUser& user : data_.users) {
    if (user.user.id == id) return &user;
  }
  return nullptr;
}

bool BuiltinDirectory::may_open(const BuiltinUser& user, std::string_view patient_id) const {
  // CONTRACT "User directory adapter": the directory decides which patients a user may open;
  // a patient user only their own record (SMART App Launch 2.2, patient/ scopes).
  if (auto own = own_patient_id(user.user)) return *own == patient_id;
  if (user.all_patients) return true;
  return std::find(user.patient_ids.begin(), user.patient_ids.end(), patient_id) !=
         user.patient_ids.end();
}

Expected<User, DirectoryError> BuiltinDirectory::check_password(const std::string& username,
                                                                const std::string& password) const {
  const auto found = std::find_if(data_.users.begin(), data_.users.end(),
                                  [&](const BuiltinUser& u) { return u.username == username; });
  if (found == data_.users.end()) {
    // An unknown username costs one argon2id run too, so timing does not tell which usernames
    // exist (OWASP Authentication Cheat Sheet); it is refused whatever the outcome.
    verify_password(dummy_hash_, password);
    return unexpected(DirectoryError::invalid_credentials);
  }
  switch (verify_password(found->password_hash, password)) {
    case PasswordCheck::match:
      return found->user;
    case PasswordCheck::mismatch:
      return unexpected(DirectoryError::invalid_credentials);
    case PasswordCheck::failed:
      return unexpected(DirectoryError::unavailable);
  }
  return unexpected(DirectoryError::unavailable);
}

void BuiltinDirectory::authenticate(std::string username, std::string password, Reply<User> done) {
  // Argon2id is slow on purpose: never on the caller's (an I/O) thread.
  passwords_.post([this, username = std::move(username), password = std::move(password),
                   done = std::move(done)] { done(check_password(username, password)); });
}

void BuiltinDirectory::find_user(std::string user_id, Reply<User> done) {
  const BuiltinUser* user = user_by_id(user_id);
  if (user == nullptr) return done(unexpected(DirectoryError::not_found));
  done(user->user);
}

void BuiltinDirectory::find_patients(std::string user_id, std::string query,
                                     Reply<std::vector<Patient>> done) {
  std::vector<Patient> found;
  const BuiltinUser* user = user_by_id(user_id);
  if (user == nullptr) return done(std::move(found));
  const std::vector<std::string> words = lower_words(query);
  for (const BuiltinPatient& p : data_.patients) {
    if (found.size() == kMaxPatients) break;
    if (may_open(*user, p.patient.id) && matches(p.patient, words, query)) {
      found.push_back(p.patient);
    }
  }
  done(std::move(found));
}

void BuiltinDirectory::find_encounters(std::string user_id, std::string patient_id,
                                       Reply<std::vector<Encounter>> done) {
  const BuiltinUser* user = user_by_id(user_id);
  if (user == nullptr || !may_open(*user, patient_id)) return done(std::vector<Encounter>());
  for (const BuiltinPatient& p : data_.patients) {
    if (p.patient.id == patient_id) return done(p.encounters);
  }
  done(std::vector<Encounter>());
}

}  // namespace sa::directory
