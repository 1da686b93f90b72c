// The plenary command: serve, forum create, access-code, seed, backup.
#include <boost/asio.hpp>
#include <csignal>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "app/hub.hpp"
#include "app/log.hpp"
#include "auth/secrets.hpp"
#include "cli/admin.hpp"
#include "cli/seed_loader.hpp"
#include "net/export_http.hpp"
#include "net/redirect.hpp"
#include "net/server.hpp"
#include "net/tls.hpp"
#include "store/committer.hpp"
#include "store/migrations.hpp"

using namespace plenary;
using json = nlohmann::json;

namespace {

const char* kUsage = R"(usage:
  plenary serve [--listen HOST:PORT] [--db PATH] [--web DIR] [--allowed-origin URL]...
                [--max-frame BYTES] [--max-msg-rate N] [--threads N] [--seed FILE]
                [--port-file FILE] [--session-ttl SECONDS] [--idle-timeout SECONDS] [--tick-ms MS]
                [--tls-cert FILE --tls-key FILE [--redirect-http HOST:PORT]]
                [--metrics-allow ADDRESS]...
  plenary forum create --db PATH --name NAME --languages en,es,fr
  plenary access-code --db PATH --forum ID --role ROLE --name NAME
  plenary seed FILE --db PATH
  plenary backup --db PATH --out FILE
)";

struct Args {
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> opts;
  std::string get(const std::string& k, const std::string& fallback = "") const {
    auto it = opts.find(k);
    return it == opts.end() ? fallback : it->second;
  }
  std::string need(const std::string& k) const {
    auto it = opts.find(k);
    if (it == opts.end()) throw std::runtime_error("missing --" + k);
    return it->second;
  }
};

Args parse_args(int argc, char** argv, int from) {
  Args a;
  for (int i = from; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0) {
      auto eq = s.find('=');
      if (eq != std::string::npos) {
        a.opts.emplace(s.substr(2, eq - 2), s.substr(eq + 1));
      } else {
        if (i + 1 >= argc) throw std::runtime_error("option " + s + " needs a value");
        a.opts.emplace(s.substr(2), argv[++i]);
      }
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string x;
  while (std::getline(ss, x, sep))
    if (!x.empty()) out.push_back(x);
  return out;
}

void open_and_migrate(const std::string& path) {
  store::Db db(path);
  store::migrate(db);
}

json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  return json::parse(in);
}

// HOST:PORT of option `name`: an IP address and a port 0-65535 (0: any free port).
std::pair<std::string, std::uint16_t> host_port(const std::string& name, const std::string& value) {
  auto colon = value.rfind(':');
  auto bad = [&] { return std::runtime_error("--" + name + " takes HOST:PORT (an IP address and a port), not '" + value + "'"); };
  if (colon == std::string::npos) throw bad();
  std::string host = value.substr(0, colon), port = value.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  if (ec || port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535)
    throw bad();
  return {host, static_cast<std::uint16_t>(std::stoi(port))};
}

int serve(const Args& a) {
  net::Config cfg;
  if (auto l = a.get("listen"); !l.empty()) std::tie(cfg.host, cfg.port) = host_port("listen", l);
  cfg.db = a.get("db", cfg.db);
  cfg.web = a.get("web", cfg.web);
  for (auto [it, end] = a.opts.equal_range("allowed-origin"); it != end; ++it) cfg.allowed_origins.push_back(it->second);
  for (auto [it, end] = a.opts.equal_range("metrics-allow"); it != end; ++it) {
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(it->second, ec);
    if (ec) throw std::runtime_error("--metrics-allow takes an IP address, not '" + it->second + "'");
    cfg.metrics_allow.push_back(addr.to_string());
  }
  if (auto v = a.get("max-frame"); !v.empty()) cfg.max_frame = std::stoul(v);
  if (auto v = a.get("max-msg-rate"); !v.empty()) cfg.max_msg_rate = std::stod(v);
  if (auto v = a.get("threads"); !v.empty()) cfg.threads = std::max(1, std::stoi(v));
  if (auto v = a.get("session-ttl"); !v.empty()) cfg.session_ttl = std::stoll(v);
  if (auto v = a.get("tick-ms"); !v.empty()) cfg.tick_ms = std::max(1, std::stoi(v));
  if (auto v = a.get("idle-timeout"); !v.empty()) cfg.idle_timeout = std::max(1, std::stoi(v));
  cfg.port_file = a.get("port-file");
  cfg.seed = a.get("seed");
  for (const char* k : {"tls-cert", "tls-key"})
    if (a.opts.count(k) && a.get(k).empty()) throw std::runtime_error(std::string("--") + k + " needs a FILE");
  cfg.tls_cert = a.get("tls-cert");
  cfg.tls_key = a.get("tls-key");
  if (a.opts.count("redirect-http")) {
    if (cfg.tls_cert.empty()) throw std::runtime_error("--redirect-http needs --tls-cert and --tls-key (it redirects to the https port)");
    auto [host, port] = host_port("redirect-http", a.get("redirect-http"));
    cfg.redirect_host = host;
    cfg.redirect_port = port;
  }
  // Before anything touches the database: a bad certificate or key stops the start here.
  auto tls = net::load_tls(cfg);

  // A write past a file size limit fails with EFBIG (answered as a storage error) instead of
  // killing the server with SIGXFSZ.
  std::signal(SIGXFSZ, SIG_IGN);
  auth::init();
  open_and_migrate(cfg.db);
  if (!cfg.seed.empty()) {
    store::Db db(cfg.db);
    auto r = cli::load_seed(db, read_json_file(cfg.seed));
    app::log::info("seed", {{"forum", r.forum}, {"created", r.created}});
  }
  store::Committer committer(cfg.db);
  boost::asio::io_context ioc(cfg.threads);
  app::Hub hub(ioc, cfg, committer);
  net::Server server(ioc, hub, cfg, tls);
  std::optional<net::HttpsRedirect> redirect;
  if (cfg.redirect_port) {
    redirect.emplace(ioc, cfg.redirect_host, *cfg.redirect_port, server.port());
    app::log::info("redirecting", {{"host", cfg.redirect_host}, {"port", redirect->port()}, {"to_port", server.port()}});
  }
  hub.start();
  if (!cfg.port_file.empty()) {
    std::string tmp = cfg.port_file + ".tmp";
    std::ofstream(tmp) << server.port() << "\n";
    std::rename(tmp.c_str(), cfg.port_file.c_str());
  }
  app::log::info("listening", {{"host", cfg.host}, {"port", server.port()}, {"db", cfg.db}, {"tls", tls != nullptr}});

  // The io_context runs until the stopper thread has drained the Hub and the Committer; main
  // joins that thread before anything is destroyed.
  auto guard = boost::asio::make_work_guard(ioc);
  std::thread stopper;
  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int sig) {
    if (ec) return;
    app::log::info("stopping", {{"signal", sig}});
    server.stop();
    if (redirect) redirect->stop();
    stopper = std::thread([&] {
      hub.drain();
      net::drain_exports();
      committer.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      guard.reset();
      ioc.stop();
    });
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < cfg.threads; ++i) threads.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
  if (stopper.joinable()) stopper.join();
  app::log::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2) {
      std::cerr << kUsage;
      return 2;
    }
    std::string cmd = argv[1];
    if (cmd == "serve") return serve(parse_args(argc, argv, 2));
    if (cmd == "forum" && argc >= 3 && std::string(argv[2]) == "create") {
      auto a = parse_args(argc, argv, 3);
      auto path = a.need("db");
      open_and_migrate(path);
      store::Db db(path);
      std::cout << cli::create_forum(db, a.need("name"), split(a.need("languages"), ',')).dump() << std::endl;
      return 0;
    }
    if (cmd == "access-code") {
      auto a = parse_args(argc, argv, 2);
      auto path = a.need("db");
      open_and_migrate(path);
      store::Db db(path);
      std::cout << cli::create_access_code(db, std::stoll(a.need("forum")), a.need("role"), a.need("name")).dump() << std::endl;
      return 0;
    }
    if (cmd == "seed") {
      auto a = parse_args(argc, argv, 2);
      if (a.positional.size() != 1) throw std::runtime_error("seed takes one FILE");
      auto path = a.need("db");
      open_and_migrate(path);
      store::Db db(path);
      auto r = cli::load_seed(db, read_json_file(a.positional[0]));
      std::cout << json{{"forum", r.forum}, {"created", r.created}}.dump() << std::endl;
      return 0;
    }
    if (cmd == "backup") {
      auto a = parse_args(argc, argv, 2);
      cli::backup(a.need("db"), a.need("out"));
      std::cout << json{{"backup", a.need("out")}}.dump() << std::endl;
      return 0;
    }
    if (cmd == "--help" || cmd == "help") {
      std::cout << kUsage;
      return 0;
    }
    std::cerr << "unknown command '" << cmd << "'\n" << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "plenary: " << e.what() << std::endl;
    return 1;
  }
}
