#include <CLI/CLI.hpp>
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <memory>
#include <thread>

#include "access/password.h"
#include "cli/context.h"
#include "core/error.h"
#include "server/http_server.h"

namespace fupin::cli {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string static_dir;
  int threads = 16;
  double snapshot_max_age_hours = 24;
};

}  // namespace

void AddServeCommands(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ServeOptions>();
  auto* serve = app.add_subcommand("serve", "Serve the JSON API (and the web UI) until SIGTERM or SIGINT");
  serve->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0: any free port)");
  serve->add_option("--static", o->static_dir, "Folder of the web UI's built files");
  serve->add_option("--threads", o->threads, "Worker threads");
  serve->add_option("--snapshot-max-age", o->snapshot_max_age_hours,
                    "Hours a province or nation progress report snapshot is served after a write (default 24; 0: never stale)");
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
    options.threads = o->threads;
    if (o->snapshot_max_age_hours < 0) {
      throw Error::InvalidArgument("bad --snapshot-max-age", {{"--snapshot-max-age", "must not be negative"}});
    }
    options.report_snapshot_max_age_seconds = static_cast<int64_t>(o->snapshot_max_age_hours * 3600);
    // Handle SIGTERM and SIGINT on one thread of our own: every other thread blocks them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    access::PasswordHasher hasher;
    server::HttpServer server(ctx.database(), options, DefaultClock(), hasher, std::cerr);
    const int port = server.Bind();
    ctx.out() << "fupin serving http://" << options.host << ":" << port << "/" << std::endl;
    std::thread waiter([&server, signals] {
      int received = 0;
      sigwait(&signals, &received);
      server.Stop();
    });
    server.Serve();
    // Serve() returned: wake the waiter if it is still waiting (a stop from elsewhere).
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    ctx.out() << "fupin stopped" << std::endl;
  });
}

}  // namespace fupin::cli
