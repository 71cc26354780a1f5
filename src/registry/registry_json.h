#pragma once
// JSON forms of registry records, shared by the CLI and the HTTP API so both
// print the same thing. ID and phone numbers are always masked (a full ID
// number is shown only through PersonRegistry::RevealIdNumber, audited).
#include <string>

#include <nlohmann/json.hpp>

#include "registry/areas.h"
#include "registry/households.h"

namespace fupin::registry {

nlohmann::json AreaJson(const Area& area);
nlohmann::json AreaViewJson(const AreaView& view);
// {"items": [{code, name, level, parent_code, "path": [{code, name, level}], "path_text": "衡东县 › 洣水镇"}]}
nlohmann::json AreaMatchesJson(const std::vector<AreaMatch>& matches);
nlohmann::json HouseholdJson(const Household& household);
// HouseholdJson(household).dump(), byte for byte, written without building the
// JSON objects (the API's household read, issue 12).
std::string HouseholdJsonText(const Household& household);
nlohmann::json PersonJson(const Person& person);
nlohmann::json HouseholdYearJson(const HouseholdYear& year);

}  // namespace fupin::registry
