#include "support/server.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <httplib.h>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace fupin::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

ServerProcess::ServerProcess(const std::string& db, const std::vector<std::string>& extra_args) {
  const std::string binary = FupinBinary();
  std::vector<std::string> args = {binary, "--db", db, "serve", "--listen", "127.0.0.1:0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, dir_.File("out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, dir_.File("err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + binary);
  const std::regex serving("serving https?://127\\.0\\.0\\.1:([0-9]+)/");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    const std::string out = Output();
    if (std::regex_search(out, m, serving)) {
      port_ = std::stoi(m[1]);
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("fupin serve exited: " + Log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("fupin serve did not start: " + Log());
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop();
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

std::string ServerProcess::Output() const { return Slurp(dir_.File("out")); }
std::string ServerProcess::Log() const { return Slurp(dir_.File("err")); }

ApiClient::ApiClient(int port) : port_(port) {}
ApiClient::~ApiClient() = default;

HttpResult ApiClient::Raw(const std::string& method, const std::string& path, const std::string& body,
                          const std::map<std::string, std::string>& extra) {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(30, 0);
  httplib::Headers headers;
  if (!token_.empty()) headers.emplace("Authorization", "Bearer " + token_);
  for (const auto& [k, v] : extra) headers.emplace(k, v);
  const char* type = "application/json";
  auto send = [&]() -> httplib::Result {
    if (method == "GET") return client.Get(path, headers);
    if (method == "POST") return client.Post(path, headers, body, type);
    if (method == "PUT") return client.Put(path, headers, body, type);
    if (method == "PATCH") return client.Patch(path, headers, body, type);
    if (method == "DELETE") return client.Delete(path, headers);
    throw std::runtime_error("method " + method);
  };
  httplib::Result r = send();
  if (!r) throw std::runtime_error("request failed: " + httplib::to_string(r.error()));
  HttpResult out;
  out.status = r->status;
  out.text = r->body;
  for (const auto& [k, v] : r->headers) out.headers[k] = v;
  if (!r->body.empty()) {
    out.body = nlohmann::json::parse(r->body, nullptr, false);
    if (out.body.is_discarded()) out.body = nullptr;
  }
  return out;
}

HttpResult ApiClient::Login(const std::string& name, const std::string& password) {
  token_.clear();
  auto r = Post("/api/v1/sessions", {{"name", name}, {"password", password}});
  if (r.status == 201) token_ = r.body["token"].get<std::string>();
  return r;
}

HttpResult ApiClient::Get(const std::string& path) { return Raw("GET", path, ""); }
HttpResult ApiClient::Post(const std::string& path, const nlohmann::json& body) { return Raw("POST", path, body.dump()); }
HttpResult ApiClient::Put(const std::string& path, const nlohmann::json& body) { return Raw("PUT", path, body.dump()); }
HttpResult ApiClient::Patch(const std::string& path, const nlohmann::json& body, const std::string& if_match) {
  std::map<std::string, std::string> h;
  if (!if_match.empty()) h["If-Match"] = if_match;
  return Raw("PATCH", path, body.dump(), h);
}
HttpResult ApiClient::Delete(const std::string& path) { return Raw("DELETE", path, ""); }

}  // namespace fupin::testing
