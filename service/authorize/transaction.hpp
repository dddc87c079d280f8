// One authorization in progress, as kept server-side between the pages (RFC 9700 §4.7): the
// validated request, what the EHR launch vouched for, who logged in, what was picked. Stored as
// JSON text in the flow store and found again through the transaction cookie; the browser only
// ever holds the random transaction id. Nothing here is a secret except `csrf`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authorize/request.hpp"
#include "util/expected.hpp"

namespace sa::authorize {

struct Transaction {
  AuthorizationRequest request;
  std::string csrf;  // every form of this transaction posts it back

  // EHR launch (SMART App Launch 2.2 "EHR Launch"): the context the EHR vouched for.
  bool ehr_launch = false;
  std::optional<std::string> launch_user;
  std::optional<std::string> fhir_context;  // JSON array text
  std::optional<std::string> intent;
  std::optional<bool> need_patient_banner;
  std::optional<std::string> smart_style_url;
  std::optional<std::string> tenant;

  // The user, once known (login, login session, or the launch).
  std::optional<std::string> user_id;
  std::int64_t auth_time = 0;
  bool new_login = false;  // logged in during this transaction (a session cookie to set)
  // The login session (its id hash) the user is in, if any: online_access ends with it.
  std::optional<std::string> session_hash;
  bool dropped_audited = false;  // scopes_dropped is audited once per transaction
  // The consent page was shown: a consent POST before that (skipping a picker) is not an answer.
  bool consent_offered = false;

  // Chosen context.
  std::optional<std::string> patient;
  std::string patient_name;
  std::optional<std::string> encounter;
  // Ids the pickers showed this user: a POSTed choice must be one of them, so nobody can pick a
  // record the directory did not offer.
  std::vector<std::string> offered_patients;
  std::vector<std::string> offered_patient_names;  // parallel to offered_patients
  std::vector<std::string> offered_encounters;
};

std::string to_json(const Transaction& transaction);
// nullopt when the text is not a transaction this version wrote (treated as expired).
std::optional<Transaction> transaction_from_json(std::string_view json);

}  // namespace sa::authorize
