// Debian's nginx in front of the real server, as deployed: the test writes a minimal nginx.conf
// into a temporary prefix (its own pid file, logs and temp paths; no system configuration is
// read or touched), with an `upstream plenary` pointing at the test server and the very
// location blocks of deploy/nginx/plenary-locations.conf, starts nginx on a loopback port and
// runs the smoke test through it: static files, hello, login, room join, a document op pushed
// to another client, a ballot, and the Origin check (the allowed origin is upgraded, a foreign
// one refused with 403 through the proxy).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/websocket.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common.hpp"

extern char** environ;

using namespace it;
namespace fs = std::filesystem;

namespace {

std::string find_nginx() {
  for (const char* p : {"/usr/sbin/nginx", "/usr/bin/nginx"})
    if (fs::exists(p)) return p;
  return "";
}

std::uint16_t free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

class Nginx {
public:
  Nginx(std::uint16_t upstream, std::uint16_t listen) : port_(listen) {
    std::string bin = find_nginx();
    if (bin.empty()) throw std::runtime_error("nginx is not installed (apt-get install nginx; it is in deploy/lib/deps.sh's test packages)");
    char tmpl[] = "/tmp/plenary-nginx-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    prefix_ = tmpl;
    fs::permissions(prefix_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                 fs::perms::others_read | fs::perms::others_exec);
    std::string locations = source_dir() + "/deploy/nginx/plenary-locations.conf";
    if (!fs::exists(locations)) throw std::runtime_error("missing " + locations);
    std::ofstream conf(prefix_ + "/nginx.conf");
    conf << "worker_processes 1;\n"
         << "pid " << prefix_ << "/nginx.pid;\n"
         << "error_log " << prefix_ << "/error.log warn;\n"
         << "events { worker_connections 256; }\n"
         << "http {\n"
         << "  access_log " << prefix_ << "/access.log;\n"
         << "  client_body_temp_path " << prefix_ << "/body;\n"
         << "  proxy_temp_path " << prefix_ << "/proxy;\n"
         << "  fastcgi_temp_path " << prefix_ << "/fastcgi;\n"
         << "  uwsgi_temp_path " << prefix_ << "/uwsgi;\n"
         << "  scgi_temp_path " << prefix_ << "/scgi;\n"
         << "  map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n"
         << "  upstream plenary { server 127.0.0.1:" << upstream << "; }\n"
         << "  server {\n"
         << "    listen 127.0.0.1:" << port_ << ";\n"
         << "    include " << locations << ";\n"
         << "  }\n"
         << "}\n";
    conf.close();
    std::vector<std::string> args = {bin, "-p", prefix_, "-c", prefix_ + "/nginx.conf", "-e", prefix_ + "/error.log",
                                     "-g", "daemon off;"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    std::string out = prefix_ + "/stderr.log";
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int rc = posix_spawn(&pid_, bin.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("cannot start nginx: " + std::string(std::strerror(rc)));
    for (int i = 0; i < 200; ++i) {
      if (http_get_ok()) return;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("nginx exited: " + log());
      }
      std::this_thread::sleep_for(50ms);
    }
    throw std::runtime_error("nginx did not start listening: " + log());
  }
  ~Nginx() {
    if (pid_ > 0) {
      ::kill(pid_, SIGQUIT);
      int status = 0;
      for (int i = 0; i < 100 && waitpid(pid_, &status, WNOHANG) == 0; ++i) std::this_thread::sleep_for(50ms);
      ::kill(pid_, SIGKILL);
      waitpid(pid_, &status, WNOHANG);
    }
    std::error_code ec;
    fs::remove_all(prefix_, ec);
  }
  std::uint16_t port() const { return port_; }
  std::string log() const {
    std::string s;
    for (const char* f : {"/stderr.log", "/error.log"}) {
      std::ifstream in(prefix_ + f);
      s += std::string((std::istreambuf_iterator<char>(in)), {});
    }
    return s;
  }

private:
  bool http_get_ok() {
    try {
      return http_get(port_, "/").status == 200;
    } catch (const std::exception&) {
      return false;
    }
  }
  std::string prefix_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// A WebSocket upgrade through nginx from the source address `from` (a 127.0.0.x); the HTTP status.
int upgrade_from(std::uint16_t port, const std::string& from, const std::string& origin) {
  namespace asio = boost::asio;
  namespace websocket = boost::beast::websocket;
  asio::io_context ioc;
  websocket::stream<asio::ip::tcp::socket> ws(ioc);
  auto& s = ws.next_layer();
  s.open(asio::ip::tcp::v4());
  s.bind({asio::ip::make_address(from), 0});
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  ws.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) { req.set(boost::beast::http::field::origin, origin); }));
  websocket::response_type res;
  boost::beast::error_code ec;
  ws.handshake(res, "127.0.0.1:" + std::to_string(port), "/ws", ec);
  if (!ec) ws.close(websocket::close_code::normal, ec);
  return static_cast<int>(res.result_int());
}

}  // namespace

TEST(Nginx, SmokeTestThroughTheDeployedProxySettings) {
  // The allowlist names the origin the browser sees: nginx's address.
  std::uint16_t port = free_port();
  std::string origin = "http://127.0.0.1:" + std::to_string(port);
  ServerProcess srv({"--allowed-origin", origin, "--max-msg-rate", "0"});
  std::unique_ptr<Nginx> nginx;
  try {
    nginx = std::make_unique<Nginx>(srv.port(), port);
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }

  // Static files and HTTP routes through the proxy; /metrics stays internal.
  HttpResult index = http_get(port, "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("plenary-it-index"), std::string::npos);
  EXPECT_EQ(http_get(port, "/healthz").status, 200);
  EXPECT_EQ(http_get(port, "/metrics").status, 404);
  EXPECT_EQ(http_get(srv.port(), "/metrics").status, 200);

  // The Origin check holds through the proxy.
  EXPECT_EQ(try_upgrade(port, origin), 101);
  EXPECT_EQ(try_upgrade(port, std::string("https://evil.example")), 403);
  EXPECT_EQ(try_upgrade(port, std::string("http://127.0.0.1:1")), 403);

  // The smoke test: hello, login, room join, a document op seen by another client, a ballot.
  WsClient a, b;
  a.connect(port, origin);
  b.connect(port, origin);
  EXPECT_EQ(a.handshake_status(), 101);
  json h = a.request({{"type", "hello"}, {"protocol", 1}});
  ASSERT_OK(h);
  std::int64_t forum = seeded_forum(a);
  ASSERT_OK(a.request({{"type", "login"}, {"forum", forum}, {"code", demo::kOrganiser}}));
  ASSERT_OK(login_code(b, forum, demo::kDrafting));
  json f = a.request({{"type", "forum.get"}, {"forum", forum}});
  ASSERT_OK(f);
  std::int64_t room = f["plenary"];
  ASSERT_OK(a.request({{"type", "room.join"}, {"room", room}}));
  ASSERT_OK(b.request({{"type", "room.join"}, {"room", room}}));
  ASSERT_TRUE(a.wait_push("presence", 5s).has_value());

  std::int64_t decl = seeded_declaration(a, forum);
  json d = a.request({{"type", "declaration.get"}, {"declaration", decl}});
  ASSERT_OK(d);
  std::int64_t doc = d["declaration"]["clauses"][0]["docs"]["en"];
  json oa = a.request({{"type", "doc.open"}, {"doc", doc}});
  ASSERT_OK(oa);
  json ob = b.request({{"type", "doc.open"}, {"doc", doc}});
  ASSERT_OK(ob);
  json r = b.request({{"type", "doc.op"}, {"doc", doc}, {"rev", ob["rev"]}, {"op", {"Through nginx: "}}, {"opid", "nginx-1"}});
  ASSERT_OK(r);
  auto ops = a.wait_push("doc.ops", 5s);
  ASSERT_TRUE(ops.has_value()) << "the op was not pushed through the proxy";
  EXPECT_EQ((*ops)["ops"][0]["opid"], "nginx-1");

  json p = a.request({{"type", "poll.create"}, {"room", room}, {"method", "yes_no_abstain"}, {"secret", true}, {"question", "Through nginx?"}});
  ASSERT_OK(p);
  std::int64_t poll = p["poll"]["id"];
  ASSERT_OK(a.request({{"type", "poll.open"}, {"poll", poll}}));
  ASSERT_OK(b.request({{"type", "ballot.cast"}, {"poll", poll}, {"choice", {{"vote", "yes"}}}}));
  json g = a.request({{"type", "poll.get"}, {"poll", poll}});
  ASSERT_OK(g);
  EXPECT_EQ(g["poll"]["ballots"], 1);
  EXPECT_EQ(nginx->log().find("[emerg]"), std::string::npos) << nginx->log();

  // The server sees the client's address behind the proxy (X-Forwarded-For from loopback), so
  // login throttling and the log tell clients apart.
  EXPECT_EQ(upgrade_from(port, "127.0.0.7", origin), 101);
  std::this_thread::sleep_for(200ms);
  EXPECT_NE(srv.log().find(R"("remote":"127.0.0.7")"), std::string::npos) << "the forwarded address is not used";
}
