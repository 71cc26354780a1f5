#pragma once
// JSON forms of registry records, shared by the CLI and the HTTP API so both
// print the same thing. ID and phone numbers are always masked (a full ID
// number is shown only through PersonRegistry::RevealIdNumber, audited).
#include <nlohmann/json.hpp>

#include "registry/areas.h"
#include "registry/households.h"

namespace fupin::registry {

nlohmann::json AreaJson(const Area& area);
nlohmann::json AreaViewJson(const AreaView& view);
nlohmann::json HouseholdJson(const Household& household);
nlohmann::json PersonJson(const Person& person);
nlohmann::json HouseholdYearJson(const HouseholdYear& year);

}  // namespace fupin::registry
