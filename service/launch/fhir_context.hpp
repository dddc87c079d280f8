// The launch context checks that need a parsed JSON value: fhirContext items per SMART App Launch
// 2.2 ("Scopes and Launch Context", fhirContext) and FHIR ids. Internal to launch/ (it exposes
// RapidJSON, which only launch's .cpp files compile against).
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string_view>

#include "oauth_core/errors.hpp"
#include "scopes/resource_types.hpp"

namespace sa::launch {

using scopes::is_fhir_id;  // FHIR R4 id (scopes/resource_types.hpp)

// nullopt when `context` is a valid fhirContext array, else invalid_request naming the item and
// member ("fhirContext[2].reference must be ...").
std::optional<oauth::Error> check_fhir_context(const rapidjson::Value& context);

}  // namespace sa::launch
