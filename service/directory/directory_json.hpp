// Reads the EHR directory's JSON answers (CONTRACT "User directory adapter") into the directory
// types, strictly: bad JSON, duplicate members, a missing required member, a member of the wrong
// type and a list over its bound are all errors. Unknown members are ignored. Pure: no I/O.
// The error is a phrase for the app log (never shown to a client; it never quotes a value).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "directory/directory.hpp"
#include "util/expected.hpp"

namespace sa::directory::json {

inline constexpr std::size_t kMaxScopes = 500;
inline constexpr std::size_t kMaxPatients = 200;
inline constexpr std::size_t kMaxEncounters = 200;
inline constexpr std::size_t kMaxIdLength = 256;     // ids travel in URLs, cookies and tokens
inline constexpr std::size_t kMaxTextLength = 1024;  // names, dates, scopes, display text

// {"id","fhirUser","name","scopes":[...]}: id, fhirUser and scopes required, name optional.
Expected<User, std::string> parse_user(std::string_view body);
// [{"id","name","birthDate"}]: id required.
Expected<std::vector<Patient>, std::string> parse_patients(std::string_view body);
// [{"id","period","type"}]: id required; period a FHIR Period {start,end} or a string; type a
// string, a CodeableConcept or (FHIR R4 Encounter.type is 0..*) an array of them.
Expected<std::vector<Encounter>, std::string> parse_encounters(std::string_view body);

// The JSON body of POST {base}/authenticate; nullopt when either is not valid UTF-8.
std::optional<std::string> authenticate_body(std::string_view username, std::string_view password);

}  // namespace sa::directory::json
