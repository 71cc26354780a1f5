#pragma once
// JSON forms of assistance records, shared by the CLI and the HTTP API.
// Phone numbers are always masked (access::MaskPhone).
#include <nlohmann/json.hpp>

#include "assistance/assistance.h"
#include "assistance/coverage.h"
#include "assistance/import.h"

namespace fupin::assistance {

nlohmann::json CadreJson(const Cadre& cadre);
nlohmann::json DepartmentJson(const Department& department);
nlohmann::json LeaderLinkJson(const LeaderLink& link);
nlohmann::json TeamJson(const WorkTeam& team);
nlohmann::json PairingJson(const Pairing& pairing);
nlohmann::json HandoverJson(const HandoverResult& result);
nlohmann::json VisitJson(const Visit& visit);
nlohmann::json MyHouseholdsJson(const MyHouseholds& view);
nlohmann::json CoverageJson(const CoverageReport& report);
// One household of a gap list (CoverageGaps; the lists of CoverageJson).
nlohmann::json GapJson(const HouseholdGap& gap);
nlohmann::json FiguresJson(const std::vector<AssistanceFigure>& figures);
nlohmann::json ImportJson(const ImportResult& result);

}  // namespace fupin::assistance
