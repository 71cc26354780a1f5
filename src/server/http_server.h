#pragma once
// `fupin serve`: the JSON API under /api/v1 (and, when given, the web UI's
// built files) on one port, over HTTP/1.1 or HTTPS (Boost.Beast/Asio, all of
// it inside http_server.cc).
//
//  - A few I/O threads (one per core) read and write every connection,
//    event-driven; a small pool of handler threads runs the routes (they block
//    on the database). A quick route (Route::quick: bounded reads by key) is
//    answered by the I/O thread that read it, with that thread's own database
//    connection, unless it meets a lock another connection holds: then the
//    pool answers it. An idle keep-alive connection holds no thread.
//  - Slow or bad clients are refused at the header: the whole header within
//    header_timeout_seconds, the body within body_timeout_seconds, an idle
//    keep-alive connection closed after idle_timeout_seconds; a Content-Length
//    that is not a number answered 400 and one over the route's limit
//    (max_body_bytes for JSON, max_upload_bytes for Route::raw_body) 413, both
//    before any of the body is read. Beyond max_connections open connections a
//    new one gets 503 and is closed.
//  - Every answer carries the security headers (nosniff, a Content-Security-
//    Policy for the web UI, X-Frame-Options DENY, Referrer-Policy no-referrer).
//
//  - Every route calls service functions; the caller comes from the session
//    token (Authorization: Bearer <token>), and the services check access.
//  - Errors have one shape, {"error": {"code", "message", "details"}}; anything
//    the client sent wrong is a 4xx, never a 500.
//  - Each handler thread and each I/O thread has its own database connection.
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

// Handler threads when none are asked for: enough that a few slow requests (a
// county report, an export) leave threads for the rest (docs/PERFORMANCE.md,
// "Household reads, session 11": 2 and 4 were no faster within the noise).
inline constexpr int kDefaultHandlerThreads = 8;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                       // 0: any free port (see port())
  size_t max_body_bytes = 1024 * 1024;   // larger bodies get 413
  size_t max_upload_bytes = 32 * 1024 * 1024;  // uploads (Route::raw_body), dataio::kMaxUploadBytes
  int threads = kDefaultHandlerThreads;  // handler threads (each with its own database connection)
  int io_threads = 0;                    // threads reading and writing the sockets; 0: one per core
  // Quick routes (Route::quick) answered on the I/O threads; false: every
  // request goes to the handler threads.
  bool quick_on_io_threads = true;
  int header_timeout_seconds = 10;       // the whole request header (and the TLS handshake)
  int body_timeout_seconds = 60;         // the whole body, once the header is in
  int idle_timeout_seconds = 10;         // a keep-alive connection between requests
  int max_connections = 10000;           // open connections; more get 503
  std::string static_dir;                // the web UI's files; "" serves none
  // HTTPS when both are given: a PEM certificate chain and its PEM private key.
  std::string tls_cert_file;
  std::string tls_key_file;
  access::SessionOptions sessions;
  // A province or nation progress report stale by audit head is served from
  // its snapshot while younger than this (issue 12; docs/REPORTS.md).
  int64_t report_snapshot_max_age_seconds = 24 * 60 * 60;
  // Bytes of household JSON texts kept for repeated reads (registry/household_texts.h; 0: none).
  size_t household_text_bytes = size_t{64} << 20;
  // The columnar copy of the facts that the indicators and the measures read
  // (facts/facts.h; built when missing or stale); "" reads the tables.
  std::string facts_path;
};

class HttpServer {
 public:
  HttpServer(store::Database& database, const ServerOptions& options, const Clock& clock,
             const access::PasswordHasher& hasher, std::ostream& log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the port (and loads the TLS certificate and key); returns the port
  // bound. Throws if it cannot.
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
// GET /households/{id} keeps the texts it sends, up to `household_text_bytes`
// (registry/household_texts.h; 0 keeps none).
void AddRegistryRoutes(std::vector<Route>& routes, size_t household_text_bytes = size_t{64} << 20);
// `facts_path`: the columnar copy the indicators and measures read ("" none).
void AddAssessmentRoutes(std::vector<Route>& routes, const std::string& facts_path = "");
void AddAssistanceRoutes(std::vector<Route>& routes);
// Donors, needs, pledges, dockings; keeps the process's suggestion index.
void AddSocialRoutes(std::vector<Route>& routes, const access::PasswordHasher& hasher);
// Return-to-poverty monitoring (cases, steps, measures, scan, figures, overdue).
void AddMonitoringRoutes(std::vector<Route>& routes);
// Projects, funds and assets (issue 20).
void AddProjectRoutes(std::vector<Route>& routes);
// Industry, employment, consumption assistance and small loans (issue 21).
void AddIndustryRoutes(std::vector<Route>& routes);
// Houses, relocation, village infrastructure (issue 22).
void AddHousingRoutes(std::vector<Route>& routes);
// The progress report (JSON and XLSX), the overview's breakdowns, policy parameters.
void AddReportRoutes(std::vector<Route>& routes, int64_t snapshot_max_age_seconds = 24 * 60 * 60);
// Data-quality findings and the exit notice list (module dataio).
void AddQualityRoutes(std::vector<Route>& routes);
// Policies, entitlements and reconciliation.
void AddPolicyRoutes(std::vector<Route>& routes);
// Uploads of the import spreadsheets and their templates (dataio/uploads.h).
void AddImportRoutes(std::vector<Route>& routes);

// The caller's jobs (server/jobs.h): GET /api/v1/jobs and /api/v1/jobs/{id}.
void AddJobRoutes(std::vector<Route>& routes);
// Change requests to the registry (issue 23).
void AddChangeRoutes(std::vector<Route>& routes);

// The OpenAPI 3 document served at /api/v1/openapi.json.
const std::string& OpenApiDocument();

}  // namespace fupin::server
