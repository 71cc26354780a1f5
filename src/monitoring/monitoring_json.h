#pragma once
// JSON shapes of the monitoring module, shared by the CLI (--json) and the
// HTTP API so that both print the same thing. Money is yuan text with two
// decimals ("6000.00"); dates YYYY-MM-DD.
#include <nlohmann/json.hpp>

#include "monitoring/monitoring.h"

namespace fupin::monitoring {

nlohmann::json ThresholdJson(const Threshold& t);
nlohmann::json ParameterJson(const RuleParameter& p);
nlohmann::json AlertImportJson(const AlertImportResult& r);
nlohmann::json AlertJson(const Alert& a);
nlohmann::json CandidateJson(const Candidate& c);
nlohmann::json ScanJson(const ScanResult& r);
nlohmann::json StepJson(const CaseStep& s);
nlohmann::json MeasureJson(const Measure& m);
// With steps, measures and the elimination when filled.
nlohmann::json CaseJson(const Case& c);
nlohmann::json CasePageJson(const CasePage& page, int64_t limit, int64_t offset);
nlohmann::json OverdueJson(const std::vector<OverdueItem>& items);
nlohmann::json FiguresJson(const MonitoringFigures& f);

}  // namespace fupin::monitoring
