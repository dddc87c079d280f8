// Shared by the directory tests: cheap argon2id hashes (so the suite stays fast; the adapter
// verifies whatever parameters a hash carries) and a directory file built around them.
#pragma once

#include <string>

#include "crypto/random.hpp"
#include "directory/password_hash.hpp"

namespace sa::directory::test {

inline constexpr Argon2Params kCheapParams{1, 8, 1};

inline std::string cheap_hash(std::string_view password) {
  crypto::FakeRandom random(7);
  return hash_password(password, kCheapParams, random).value();
}

// Two practitioners (one limited to p2), one patient user (p1), three patients.
inline std::string sample_directory_yaml() {
  return R"(users:
  - id: prac-1
    username: dr.smith
    password_hash: ")" +
         cheap_hash("doctor-pw") + R"("
    fhirUser: Practitioner/prac-1
    name: Jane Smith
    scopes: [user/*.cruds, launch, openid, fhirUser]
    all_patients: true
  - id: prac-2
    username: dr.limited
    password_hash: ")" +
         cheap_hash("limited-pw") + R"("
    fhirUser: https://ehr.example.org/fhir/Practitioner/prac-2
    name: Lee Limited
    scopes: [user/*.rs]
    patients: [p2]
  - id: pat-user
    username: pat.jones
    password_hash: ")" +
         cheap_hash("patient-pw") + R"("
    fhirUser: Patient/p1
    name: Alice Jones
    scopes: [patient/*.rs, openid]
patients:
  - id: p1
    name: Alice Jones
    birthDate: 1980-04-12
    encounters:
      - id: e1
        period: {start: 2024-01-02, end: 2024-01-05}
        type: Inpatient stay
  - id: p2
    name: Bob Jonesson
    birthDate: 1955-11-30
    encounters:
      - id: e2
        period: {start: 2024-03-01T09:30:00Z}
        type: Office visit
  - id: p3
    name: Carla Smith
    birthDate: 2001
)";
}

}  // namespace sa::directory::test
