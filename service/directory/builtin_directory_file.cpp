// Reads the builtin directory's YAML file with the config loader's MapReader, so the file gets
// the same strictness as the config (unknown and duplicate keys refused, every problem named by
// its key path) and the same error shape.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>

#include "config/map_reader.hpp"
#include "directory/builtin_directory.hpp"
#include "directory/fhir_user.hpp"

namespace sa::directory {
namespace {

using config::LoadContext;
using config::MapReader;
using config::ScalarRule;

bool is_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// FHIR R4 "date" (YYYY, YYYY-MM or YYYY-MM-DD); with `allow_time`, a "dateTime" may follow with
// T and a time (hh:mm:ss, fraction and zone not checked further than their characters).
bool is_fhir_date(std::string_view text, bool allow_time) {
  const std::size_t t = text.find('T');
  std::string_view date = text.substr(0, t);
  if (t != std::string_view::npos) {
    if (!allow_time) return false;
    const std::string_view time = text.substr(t + 1);
    if (time.size() < 8 || !std::all_of(time.begin(), time.end(), [](char c) {
          return (c >= '0' && c <= '9') || c == ':' || c == '.' || c == '+' || c == '-' || c == 'Z';
        })) {
      return false;
    }
  }
  if (date.size() != 4 && date.size() != 7 && date.size() != 10) return false;
  if (!is_digits(date.substr(0, 4))) return false;
  if (date.size() >= 7) {
    if (date[4] != '-' || !is_digits(date.substr(5, 2))) return false;
    const int month = (date[5] - '0') * 10 + (date[6] - '0');
    if (month < 1 || month > 12) return false;
  }
  if (date.size() == 10) {
    if (date[7] != '-' || !is_digits(date.substr(8, 2))) return false;
    const int day = (date[8] - '0') * 10 + (date[9] - '0');
    if (day < 1 || day > 31) return false;
  }
  return true;
}

ScalarRule fhir_id_rule(std::string& out) {
  return {"a FHIR id (1 to 64 of A-Z a-z 0-9 - .)", [&out](const std::string& text) {
            if (!is_fhir_id(text)) return std::optional<std::string>("");
            out = text;
            return std::optional<std::string>();
          }};
}

ScalarRule date_rule(std::string& out, bool allow_time) {
  return {allow_time ? "a FHIR date or dateTime (2024-01-31 or 2024-01-31T09:30:00Z)"
                     : "a FHIR date (1970, 1970-01 or 1970-01-31)",
          [&out, allow_time](const std::string& text) {
            if (!is_fhir_date(text, allow_time)) return std::optional<std::string>("");
            out = text;
            return std::optional<std::string>();
          }};
}

// Printable ASCII without spaces: what a login form field can carry unambiguously.
ScalarRule username_rule(std::string& out) {
  return {"a username (1 to 128 printable characters, no spaces)", [&out](const std::string& t) {
            const bool ok =
                !t.empty() && t.size() <= 128 &&
                std::all_of(t.begin(), t.end(), [](char c) { return c > 0x20 && c < 0x7f; });
            if (!ok) return std::optional<std::string>("");
            out = t;
            return std::optional<std::string>();
          }};
}

std::string period_text(const std::string& start, const std::string& end) {
  if (start.empty() && end.empty()) return "";
  if (end.empty()) return "from " + start;
  if (start.empty()) return "until " + end;
  return start + " to " + end;
}

// False, and "is required" reported, when `value` is empty and no problem was already reported
// for the key (a value that was there but wrong).
bool require(const MapReader& in, const LoadContext& context, std::string_view key,
             const std::string& value) {
  if (!value.empty()) return true;
  const std::string path = in.path_of(key);
  const bool reported =
      std::any_of(context.errors.begin(), context.errors.end(),
                  [&](const config::ConfigError& e) { return e.key_path == path; });
  if (!reported) context.fail(path, "is required");
  return false;
}

struct UserPaths {
  std::string path;                        // users[i]
  std::vector<std::string> patient_paths;  // users[i].patients[j]
};

void read_user(MapReader& in, const LoadContext& context, BuiltinUser& out) {
  in.scalar("id", fhir_id_rule(out.user.id));
  in.scalar("username", username_rule(out.username));
  // Read as any string and checked below, so a bad hash is described, never quoted.
  std::string hash;
  in.text("password_hash", hash, true);
  in.scalar("fhirUser", {"Patient/<id>, Practitioner/<id>, PractitionerRole/<id>, "
                         "RelatedPerson/<id>, Person/<id> or an absolute URL ending in one",
                         [&](const std::string& text) {
                           if (!parse_fhir_user(text)) return std::optional<std::string>("");
                           out.user.fhir_user = text;
                           return std::optional<std::string>();
                         }});
  in.text("name", out.user.name, false);
  in.list("scopes", out.user.scopes, {"scope tokens", [](const std::string& text) {
                                        return config::check_scope_token(text);
                                      }});
  in.flag("all_patients", out.all_patients);
  bool patients_set = false;
  in.list("patients", out.patient_ids, {"patient ids", [&](const std::string& text) {
                                          patients_set = true;
                                          if (!is_fhir_id(text)) {
                                            return std::optional<std::string>("");
                                          }
                                          return std::optional<std::string>();
                                        }});
  patients_set = patients_set || !out.patient_ids.empty();

  require(in, context, "id", out.user.id);
  require(in, context, "username", out.username);
  require(in, context, "password_hash", hash);
  require(in, context, "fhirUser", out.user.fhir_user);
  require(in, context, "name", out.user.name);
  if (!hash.empty()) {
    if (auto params = parse_argon2id(hash)) {
      out.password_hash = std::move(hash);
    } else {
      context.fail(in.path_of("password_hash"), params.error());
    }
  }

  const bool patient_user = own_patient_id(out.user).has_value();
  for (std::size_t i = 0; i < out.user.scopes.size(); ++i) {
    const std::string& scope = out.user.scopes[i];
    const std::string path = in.path_of("scopes") + "[" + std::to_string(i) + "]";
    // SMART App Launch 2.2: system/ scopes belong to backend services, never to a person's
    // authorization; a patient acts only for themself, so never with user/ scopes.
    if (scope.starts_with("system/")) {
      context.fail(path, "system/ scopes are never granted to a user, got \"" + scope + "\"");
    } else if (patient_user && scope.starts_with("user/")) {
      context.fail(path, "a patient user (fhirUser Patient/...) may not hold user/ scopes, got \"" +
                             scope + "\"");
    }
  }
  if (patient_user) {
    if (out.all_patients || patients_set) {
      context.fail(in.path_of(out.all_patients ? "all_patients" : "patients"),
                   "must not be set for a patient user, who opens only their own record");
    }
  } else if (out.all_patients && patients_set) {
    context.fail(in.path_of("patients"), "must not be set together with all_patients: true");
  } else if (!out.all_patients && !patients_set && !out.user.fhir_user.empty()) {
    context.fail(in.path_of("patients"),
                 "is required (a list of patient ids, or all_patients: true) for a user who is "
                 "not a patient");
  }
}

void read_patient(MapReader& in, const LoadContext& context, std::set<std::string>& encounter_ids,
                  BuiltinPatient& out) {
  in.scalar("id", fhir_id_rule(out.patient.id));
  in.text("name", out.patient.name, false);
  in.scalar("birthDate", date_rule(out.patient.birth_date, false));
  in.each("encounters", [&](MapReader& item, std::size_t) {
    Encounter encounter;
    item.scalar("id", fhir_id_rule(encounter.id));
    std::string start;
    std::string end;
    item.section("period", [&](MapReader& period) {
      period.scalar("start", date_rule(start, true));
      period.scalar("end", date_rule(end, true));
    });
    encounter.period = period_text(start, end);
    item.text("type", encounter.type, true);
    if (!require(item, context, "id", encounter.id)) return;
    if (!encounter_ids.insert(encounter.id).second) {
      context.fail(item.path_of("id"), "duplicate encounter id \"" + encounter.id + "\"");
    }
    out.encounters.push_back(std::move(encounter));
  });
  require(in, context, "id", out.patient.id);
  require(in, context, "name", out.patient.name);
}

}  // namespace

Expected<BuiltinDirectoryData, std::string> parse_builtin_directory(std::string_view yaml,
                                                                    std::string_view file_name) {
  const std::string file(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return unexpected(file + ": YAML syntax error at line " + std::to_string(e.mark.line + 1) +
                      ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  // No ${ENV} in a directory file: it is data, not settings (a reference is reported as unset).
  const config::EnvLookup no_env = [](std::string_view) { return std::optional<std::string>(); };
  std::vector<config::ConfigError> errors;
  const LoadContext context{no_env, errors};
  BuiltinDirectoryData data;
  std::vector<UserPaths> user_paths;
  try {
    MapReader in(root, "", context);
    std::set<std::string> ids;
    std::set<std::string> usernames;
    in.each("users", [&](MapReader& item, std::size_t i) {
      BuiltinUser user;
      read_user(item, context, user);
      if (!user.user.id.empty() && !ids.insert(user.user.id).second) {
        context.fail(item.path_of("id"), "duplicate user id \"" + user.user.id + "\"");
      }
      if (!user.username.empty() && !usernames.insert(user.username).second) {
        context.fail(item.path_of("username"), "duplicate username \"" + user.username + "\"");
      }
      UserPaths paths{"users[" + std::to_string(i) + "]", {}};
      for (std::size_t j = 0; j < user.patient_ids.size(); ++j) {
        paths.patient_paths.push_back(item.path_of("patients") + "[" + std::to_string(j) + "]");
      }
      data.users.push_back(std::move(user));
      user_paths.push_back(std::move(paths));
    });
    std::set<std::string> patient_ids;
    std::set<std::string> encounter_ids;
    in.each("patients", [&](MapReader& item, std::size_t) {
      BuiltinPatient patient;
      read_patient(item, context, encounter_ids, patient);
      if (!patient.patient.id.empty() && !patient_ids.insert(patient.patient.id).second) {
        context.fail(item.path_of("id"), "duplicate patient id \"" + patient.patient.id + "\"");
      }
      data.patients.push_back(std::move(patient));
    });
    in.report_unknown_keys();

    // References to patients must resolve within the file.
    for (std::size_t i = 0; i < data.users.size(); ++i) {
      const BuiltinUser& user = data.users[i];
      if (auto own = own_patient_id(user.user); own && !patient_ids.contains(*own)) {
        context.fail(user_paths[i].path + ".fhirUser",
                     "names patient \"" + *own + "\", which is not under patients");
      }
      for (std::size_t j = 0; j < user.patient_ids.size(); ++j) {
        if (!patient_ids.contains(user.patient_ids[j])) {
          context.fail(user_paths[i].patient_paths[j],
                       "patient \"" + user.patient_ids[j] + "\" is not under patients");
        }
      }
    }
  } catch (const YAML::Exception& e) {
    context.fail("", std::string("unexpected YAML error: ") + e.what());
  }
  if (errors.empty()) return data;
  std::string message;
  for (const config::ConfigError& error : errors) {
    if (!message.empty()) message += '\n';
    message += file + ": " + config::format_error(error);
  }
  return unexpected(std::move(message));
}

}  // namespace sa::directory
