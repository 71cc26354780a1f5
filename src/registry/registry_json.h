#pragma once
// JSON forms of registry records, shared by the CLI and the HTTP API so both
// print the same thing. ID and phone numbers are masked unless `unmasked`.
#include <nlohmann/json.hpp>

#include "registry/areas.h"
#include "registry/households.h"

namespace fupin::registry {

nlohmann::json AreaJson(const Area& area);
nlohmann::json AreaViewJson(const AreaView& view);
nlohmann::json HouseholdJson(const Household& household, bool unmasked = false);
nlohmann::json PersonJson(const Person& person, bool unmasked = false);
nlohmann::json HouseholdYearJson(const HouseholdYear& year);
std::string MaskPhone(const std::string& phone);

}  // namespace fupin::registry
