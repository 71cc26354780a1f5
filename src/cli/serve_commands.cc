#include <CLI/CLI.hpp>
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "access/password.h"
#include "cli/context.h"
#include "core/error.h"
#include "facts/facts.h"
#include "server/http_server.h"

namespace fupin::cli {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string static_dir;
  int threads = server::kDefaultHandlerThreads;
  std::optional<int> io_threads;     // default: one per core
  bool quick_on_io_threads = true;
  int header_timeout = 10;
  int body_timeout = 60;
  int idle_timeout = 10;
  int max_connections = 10000;
  std::string tls_cert;
  std::string tls_key;
  double snapshot_max_age_hours = 24;
  int household_cache_mb = 64;
  std::optional<std::string> facts;  // the columnar copy's file, or "off"
};

}  // namespace

void AddServeCommands(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ServeOptions>();
  auto* serve = app.add_subcommand("serve", "Serve the JSON API (and the web UI) until SIGTERM or SIGINT");
  serve->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0: any free port)");
  serve->add_option("--static", o->static_dir, "Folder of the web UI's built files");
  serve->add_option("--threads", o->threads,
                    "Handler threads, each with its own database connection (default " +
                        std::to_string(server::kDefaultHandlerThreads) + ")");
  serve->add_option("--io-threads", o->io_threads,
                    "Threads reading and writing the sockets, which also answer the quick routes (default: one per core)");
  serve->add_option("--quick-on-io-threads", o->quick_on_io_threads,
                    "Answer the quick routes (health, me, a household, a person, a job) on the I/O threads "
                    "instead of handing them to the handler threads (default true)");
  serve->add_option("--header-timeout", o->header_timeout, "Seconds for a request's whole header (default 10)");
  serve->add_option("--body-timeout", o->body_timeout, "Seconds for a request's whole body (default 60)");
  serve->add_option("--idle-timeout", o->idle_timeout, "Seconds an idle keep-alive connection stays open (default 10)");
  serve->add_option("--max-connections", o->max_connections, "Open connections at most; more get 503 (default 10000)");
  serve->add_option("--tls-cert", o->tls_cert, "PEM certificate chain: serve HTTPS (with --tls-key)");
  serve->add_option("--tls-key", o->tls_key, "PEM private key of --tls-cert");
  serve->add_option("--snapshot-max-age", o->snapshot_max_age_hours,
                    "Hours a province or nation progress report snapshot is served after a write (default 24; 0: never stale)");
  serve->add_option("--household-cache-mb", o->household_cache_mb,
                    "MiB of household answers kept for repeated reads until a record changes (default 64; 0: none)");
  serve->add_option("--facts", o->facts,
                    "Columnar copy of the facts the indicators and measures read (built when missing or stale; "
                    "default FILE.facts beside a SQLite database, none on a database server); 'off' reads the tables");
  serve->callback([&ctx, o] {
    server::ServerOptions options;
    const size_t colon = o->listen.rfind(':');
    try {
      if (colon == std::string::npos) throw std::invalid_argument("no port");
      options.host = o->listen.substr(0, colon);
      options.port = std::stoi(o->listen.substr(colon + 1));
      if (options.port < 0 || options.port > 65535) throw std::out_of_range("port");
    } catch (const std::exception&) {
      throw Error::InvalidArgument("bad --listen", {{"--listen", "'" + o->listen + "' is not HOST:PORT"}});
    }
    options.static_dir = o->static_dir;
    const std::pair<const char*, int> positive[] = {{"--threads", o->threads},
                                                    {"--io-threads", o->io_threads.value_or(1)},
                                                    {"--header-timeout", o->header_timeout},
                                                    {"--body-timeout", o->body_timeout},
                                                    {"--idle-timeout", o->idle_timeout},
                                                    {"--max-connections", o->max_connections}};
    std::vector<ErrorDetail> problems;
    for (const auto& [name, value] : positive) {
      if (value < 1) problems.push_back({name, "must be at least 1, not " + std::to_string(value)});
    }
    if (!problems.empty()) throw Error::InvalidArgument("bad serve option", problems);
    options.threads = o->threads;
    options.io_threads = o->io_threads.value_or(0);
    options.quick_on_io_threads = o->quick_on_io_threads;
    options.header_timeout_seconds = o->header_timeout;
    options.body_timeout_seconds = o->body_timeout;
    options.idle_timeout_seconds = o->idle_timeout;
    options.max_connections = o->max_connections;
    options.tls_cert_file = o->tls_cert;
    options.tls_key_file = o->tls_key;
    if (o->snapshot_max_age_hours < 0) {
      throw Error::InvalidArgument("bad --snapshot-max-age", {{"--snapshot-max-age", "must not be negative"}});
    }
    options.report_snapshot_max_age_seconds = static_cast<int64_t>(o->snapshot_max_age_hours * 3600);
    if (o->household_cache_mb < 0) {
      throw Error::InvalidArgument("bad --household-cache-mb", {{"--household-cache-mb", "must not be negative"}});
    }
    options.household_text_bytes = static_cast<size_t>(o->household_cache_mb) << 20;
    options.facts_path = facts::PathOfOption(o->facts, ctx.db_url);
    // Handle SIGTERM and SIGINT on one thread of our own: every other thread blocks them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    access::PasswordHasher hasher;
    server::HttpServer server(ctx.database(), options, DefaultClock(), hasher, std::cerr);
    const int port = server.Bind();
    const bool tls = !options.tls_cert_file.empty();
    ctx.out() << "fupin serving " << (tls ? "https" : "http") << "://" << options.host << ":" << port << "/" << std::endl;
    std::thread waiter([&server, signals] {
      int received = 0;
      sigwait(&signals, &received);
      server.Stop();
    });
    server.Serve();
    // Serve() returned: wake the waiter if it is still waiting (a stop from elsewhere).
    // The waiter blocks SIGTERM and sigwait()s for it, so this wakes it rather than ending it.
    pthread_kill(waiter.native_handle(), SIGTERM);  // NOLINT(bugprone-bad-signal-to-kill-thread)
    waiter.join();
    ctx.out() << "fupin stopped" << std::endl;
  });
}

}  // namespace fupin::cli
