// Data-quality findings and the public-notice list (module dataio). Access is
// checked in the services.
#include "dataio/exports.h"
#include "dataio/quality.h"
#include "server/http_server.h"

namespace fupin::server {
namespace {

dataio::QualityFilter ReadQualityFilter(const ApiRequest& r) {
  dataio::QualityFilter f;
  f.area_code = r.Query("area").value_or("");
  if (auto y = r.QueryInt("year")) {
    if (*y < 2000 || *y > 2100) throw Error::InvalidArgument("bad year", {{"?year", "not between 2000 and 2100"}});
    f.year = static_cast<int>(*y);
  }
  f.check = r.Query("check");
  if (auto s = r.Query("severity")) {
    f.severity = dataio::ParseSeverity(*s);
    if (!f.severity) throw Error::InvalidArgument("bad severity", {{"?severity", "error | warning | info"}});
  }
  return f;
}

}  // namespace

void AddQualityRoutes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/v1/quality/checks", true,
                    [](ApiRequest&) { return ApiResponse::Ok(dataio::CheckCatalogueJson()); },
                    "The catalogue of data-quality checks"});
  routes.push_back({"GET", "/api/v1/quality/findings", true,
                    [](ApiRequest& r) {
                      const Paging paging = ReadPaging(r);
                      dataio::QualityService service(r.connection(), *r.clock);
                      const auto result = service.Run(r.caller, ReadQualityFilter(r));
                      nlohmann::json items = nlohmann::json::array();
                      const auto total = static_cast<int64_t>(result.findings.size());
                      for (int64_t i = paging.offset; i < total && i < paging.offset + paging.limit; ++i) {
                        items.push_back(dataio::FindingJson(result.findings[static_cast<size_t>(i)]));
                      }
                      nlohmann::json body = PageJson(total, paging, std::move(items));
                      body["area_code"] = result.area_code;
                      body["year"] = result.year;
                      return ApiResponse::Ok(std::move(body));
                    },
                    "Data-quality findings by village, household and person"});
  routes.push_back({"GET", "/api/v1/quality/summary", true,
                    [](ApiRequest& r) {
                      dataio::QualityService service(r.connection(), *r.clock);
                      const auto result = service.Run(r.caller, ReadQualityFilter(r));
                      return ApiResponse::Ok(dataio::QualityResultJson(result, false));
                    },
                    "Counts of findings per check and per village"});
  routes.push_back({"GET", "/api/v1/notices/exits", true,
                    [](ApiRequest& r) {
                      const auto area = r.Query("area");
                      const auto year = r.QueryInt("year");
                      if (!area || !year) {
                        throw Error::InvalidArgument("missing parameter", {{!area ? "?area" : "?year", "required"}});
                      }
                      const auto list = dataio::BuildExitNotice(r.connection(), r.caller, *area, static_cast<int>(*year));
                      return ApiResponse::Ok(dataio::ExitNoticeJson(list));
                    },
                    "Public-notice list of households proposed for exit (masked ID numbers)"});
}

}  // namespace fupin::server
