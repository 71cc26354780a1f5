#pragma once
// `fupin serve`: the JSON API under /api/v1 (and, when given, the web UI's
// built files) on one port, with cpp-httplib.
//
//  - Every route calls service functions; the caller comes from the session
//    token (Authorization: Bearer <token>), and the services check access.
//  - Errors have one shape, {"error": {"code", "message", "details"}}; anything
//    the client sent wrong is a 4xx, never a 500.
//  - Each worker thread has its own database connection.
//  - Stop() lets requests in flight finish, then returns from Serve().
//  - The request log (one JSON line per request on the log stream) holds the
//    method, the route pattern, status, duration and user id: no personal data.
#include <atomic>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "access/password.h"
#include "access/personal_data.h"
#include "access/sessions.h"
#include "core/date.h"
#include "server/api.h"
#include "store/database.h"

namespace fupin::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                       // 0: any free port (see port())
  size_t max_body_bytes = 1024 * 1024;   // larger bodies get 413
  size_t max_upload_bytes = 32 * 1024 * 1024;  // uploads (Route::raw_body), dataio::kMaxUploadBytes
  int threads = 16;
  std::string static_dir;                // the web UI's files; "" serves none
  access::SessionOptions sessions;
  // A province or nation progress report stale by audit head is served from
  // its snapshot while younger than this (issue 12; docs/REPORTS.md).
  int64_t report_snapshot_max_age_seconds = 24 * 60 * 60;
};

class HttpServer {
 public:
  HttpServer(store::Database& database, ServerOptions options, const Clock& clock,
             const access::PasswordHasher& hasher, std::ostream& log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the port; returns the port bound. Throws if it cannot.
  int Bind();
  // Serves until Stop(); returns after in-flight requests finished.
  void Serve();
  void Stop();
  int port() const { return port_; }

  // Every route, for the OpenAPI consistency test and the docs.
  const std::vector<Route>& routes() const { return routes_; }

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<Route> routes_;
  int port_ = 0;
};

// Route tables of each part of the API (each in its own routes_*.cc).
void AddSystemRoutes(std::vector<Route>& routes);
void AddAccessRoutes(std::vector<Route>& routes, const access::PasswordHasher& hasher,
                     const access::SessionOptions& sessions);
void AddRegistryRoutes(std::vector<Route>& routes);
void AddAssessmentRoutes(std::vector<Route>& routes);
void AddAssistanceRoutes(std::vector<Route>& routes);
// Donors, needs, pledges, dockings; keeps the process's suggestion index.
void AddSocialRoutes(std::vector<Route>& routes, const access::PasswordHasher& hasher);
// Return-to-poverty monitoring (cases, steps, measures, scan, figures, overdue).
void AddMonitoringRoutes(std::vector<Route>& routes);
// The progress report (JSON and XLSX), the overview's breakdowns, policy parameters.
void AddReportRoutes(std::vector<Route>& routes, int64_t snapshot_max_age_seconds = 24 * 60 * 60);
// Data-quality findings and the exit notice list (module dataio).
void AddQualityRoutes(std::vector<Route>& routes);
// Policies, entitlements and reconciliation.
void AddPolicyRoutes(std::vector<Route>& routes);
// Uploads of the import spreadsheets and their templates (dataio/uploads.h).
void AddImportRoutes(std::vector<Route>& routes);

// The OpenAPI 3 document served at /api/v1/openapi.json.
const std::string& OpenApiDocument();

}  // namespace fupin::server
