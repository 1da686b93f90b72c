// `plenary serve --tls-cert FILE --tls-key FILE`: the real server on a self-signed certificate
// made with the openssl CLI at test time. https for pages, /healthz, /metrics and downloads;
// wss for hello, login and a resumed session, with the Origin check (https only) and frame
// limits as over ws; plain HTTP and ws on the TLS port get no answer and the server keeps
// serving; TLS 1.1 is refused; a client that never finishes its handshake is dropped at the
// deadline; incomplete or bad TLS options stop the start with a message, before the database
// is touched. Clients verify the server's certificate against the generated one.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common.hpp"

using namespace it;
namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace ssl = asio::ssl;

namespace {

bool have_openssl() { return std::system("command -v openssl >/dev/null 2>&1") == 0; }

// Runs an openssl CLI command line in `dir`; throws with its output when it fails.
void openssl(const std::string& dir, const std::string& args) {
  std::string cmd = "cd '" + dir + "' && openssl " + args + " >openssl.log 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    std::ifstream in(dir + "/openssl.log");
    std::stringstream ss;
    ss << in.rdbuf();
    throw std::runtime_error("openssl " + args + " failed:\n" + ss.str());
  }
}

// A self-signed P-256 certificate for 127.0.0.1 and localhost: `name`.crt and `name`.key.
void make_cert(const std::string& dir, const std::string& name) {
  openssl(dir, "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 "
               "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " + name + ".key -out " + name + ".crt");
  ::chmod((dir + "/" + name + ".key").c_str(), 0600);
}

// A self-signed P-256 certificate that expired yesterday (valid from 3 days ago to 1 day ago):
// `name`.crt and `name`.key. Made with the library, since this openssl CLI refuses past dates.
void make_expired_cert(const std::string& dir, const std::string& name) {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  X509* x = X509_new();
  if (!pkey || !x) throw std::runtime_error("cannot make a key and certificate");
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
  X509_gmtime_adj(X509_getm_notBefore(x), -3L * 24 * 3600);
  X509_gmtime_adj(X509_getm_notAfter(x), -1L * 24 * 3600);
  X509_set_pubkey(x, pkey);
  X509_NAME* subject = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(x, subject);
  bool ok = X509_sign(x, pkey, EVP_sha256()) > 0;
  std::string crt = dir + "/" + name + ".crt", key = dir + "/" + name + ".key";
  FILE* fc = std::fopen(crt.c_str(), "w");
  FILE* fk = std::fopen(key.c_str(), "w");
  ok = ok && fc && fk && PEM_write_X509(fc, x) == 1 && PEM_write_PrivateKey(fk, pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  if (fc) std::fclose(fc);
  if (fk) std::fclose(fk);
  X509_free(x);
  EVP_PKEY_free(pkey);
  if (!ok) throw std::runtime_error("cannot write the expired certificate to " + dir);
  ::chmod(key.c_str(), 0600);
}

// The whole log line holding `event` (its quoted name), or "" when the log has none.
std::string log_line(const std::string& log, const std::string& event) {
  auto at = log.find("\"" + event + "\"");
  if (at == std::string::npos) return "";
  auto begin = log.rfind('\n', at);
  begin = begin == std::string::npos ? 0 : begin + 1;
  return log.substr(begin, log.find('\n', at) - begin);
}

// Sends `request` as it is over plain TCP and returns everything the server sent until it closed.
std::string raw_exchange(std::uint16_t port, const std::string& request) {
  asio::io_context ioc;
  asio::ip::tcp::socket s(ioc);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(s, asio::buffer(request));
  std::string got;
  boost::system::error_code ec;
  char buf[4096];
  for (;;) {
    auto n = s.read_some(asio::buffer(buf), ec);
    got.append(buf, n);
    if (ec) break;
  }
  return got;
}

// The value of header `name` in a raw response ("" when absent).
std::string header_of(const std::string& response, const std::string& name) {
  auto at = response.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  at += name.size() + 4;
  return response.substr(at, response.find("\r\n", at) - at);
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

// A bare TLS handshake offering only versions [min, max] (and every cipher, at security level
// 0, so that only the server can be the one refusing); true when it succeeds.
bool handshake_with(std::uint16_t port, const std::string& ca, int min, int max) {
  asio::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), min);
  SSL_CTX_set_max_proto_version(ctx.native_handle(), max);
  SSL_CTX_set_cipher_list(ctx.native_handle(), "ALL:@SECLEVEL=0");
  ctx.load_verify_file(ca);
  ctx.set_verify_mode(ssl::verify_peer);
  ssl::stream<asio::ip::tcp::socket> s(ioc, ctx);
  s.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  s.handshake(ssl::stream_base::client, ec);
  return !ec;
}

}  // namespace

class Tls : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    if (!have_openssl()) return;
    dir_ = new std::string((fs::temp_directory_path() / ("plenary-tls-" + std::to_string(::getpid()))).string());
    fs::create_directories(*dir_);
    make_cert(*dir_, "server");
    make_cert(*dir_, "other");  // an unrelated certificate and key
    srv_ = new ServerProcess({"--tls-cert", cert(), "--tls-key", key()});
  }
  static void TearDownTestSuite() {
    if (srv_) {
      // A clean stop: the exit status and (under LeakSanitizer) no leak from any connection.
      int status = srv_->terminate();
      if (status != 0) ADD_FAILURE() << "the TLS server exited with " << status << ":\n" << srv_->log();
      delete srv_;
      srv_ = nullptr;
    }
    if (dir_) {
      std::error_code ec;
      fs::remove_all(*dir_, ec);
      delete dir_;
      dir_ = nullptr;
    }
  }
  void SetUp() override {
    if (!have_openssl()) GTEST_SKIP() << "the openssl command is not installed (apt-get install openssl): TLS tests need it";
    ASSERT_NE(srv_, nullptr);
  }

  static std::string cert() { return *dir_ + "/server.crt"; }
  static std::string key() { return *dir_ + "/server.key"; }
  static TlsTrust trust() { return {cert(), "127.0.0.1"}; }
  static std::uint16_t port() { return srv_->port(); }
  static std::string origin(const std::string& scheme) { return scheme + "://127.0.0.1:" + std::to_string(port()); }

  static inline std::string* dir_ = nullptr;
  static inline ServerProcess* srv_ = nullptr;
};

TEST_F(Tls, HttpsServesHealthzPagesMetricsAndDownloads) {
  auto h = https_request(port(), "/healthz", trust());
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(json::parse(h.body).value("status", ""), "ok") << h.body;

  auto page = https_request(port(), "/", trust());
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("plenary-it-index"), std::string::npos) << page.body;
  auto css = https_request(port(), "/style.css", trust());
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.body, "body{color:black}\n");
  auto head = https_request(port(), "/", trust(), std::nullopt, true);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());

  auto m = https_request(port(), "/metrics", trust());
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("plenary_connections"), std::string::npos);

  // Downloads: the participation report refuses a request without a token with the
  // challenge; an export's answer comes back from the export pool over the same TLS stream.
  auto csv = https_request(port(), "/api/report/participation.csv?forum=1", trust());
  EXPECT_EQ(csv.status, 401) << csv.body;
  EXPECT_EQ(csv.challenge, "Bearer");
  auto x = https_request(port(), "/api/export/declaration/abc?format=md", trust());
  EXPECT_EQ(x.status, 404) << x.body;
  EXPECT_EQ(json::parse(x.body).value("error", ""), "not_found") << x.body;
}

TEST_F(Tls, ClientsRefuseAnotherCertificateOrName) {
  // The checks the other tests rely on are real: another CA, or another name, fails.
  EXPECT_ANY_THROW(https_request(port(), "/healthz", TlsTrust{*dir_ + "/other.crt", "127.0.0.1"}));
  EXPECT_ANY_THROW(https_request(port(), "/healthz", TlsTrust{cert(), "forum.example.org"}));
  WsClient c;
  EXPECT_ANY_THROW(c.connect_tls(port(), TlsTrust{*dir_ + "/other.crt", "127.0.0.1"}));
  // The name in the certificate's DNS subjectAltName (with SNI) is accepted too.
  EXPECT_EQ(https_request(port(), "/healthz", TlsTrust{cert(), "localhost"}).status, 200);
}

TEST_F(Tls, WssHelloLoginAndResume) {
  WsClient a;
  a.connect_tls(port(), trust());
  EXPECT_EQ(a.handshake_status(), 101);
  ASSERT_OK(a.request({{"type", "hello"}, {"protocol", 1}}));
  std::int64_t forum = seeded_forum(a);

  WsClient c;
  c.connect_tls(port(), trust());
  json r = login_code(c, forum, demo::kDelegate);
  ASSERT_OK(r);
  ASSERT_TRUE(r["token"].is_string());
  EXPECT_GT(seeded_declaration(c, forum), 0);

  // The session's token resumes it on another wss connection.
  WsClient d;
  d.connect_tls(port(), trust());
  json h = d.request({{"type", "hello"}, {"protocol", 1}, {"token", r["token"]}});
  ASSERT_OK(h);
  EXPECT_TRUE(h.contains("delegate")) << h.dump();
  c.close();
  EXPECT_EQ(c.close_code(), 1000);
}

TEST_F(Tls, OriginCheckWantsHttpsOfTheSameHost) {
  WsClient ok;
  ok.connect_tls(port(), trust(), origin("https"));
  EXPECT_EQ(ok.handshake_status(), 101);
  ASSERT_OK(ok.request({{"type", "hello"}, {"protocol", 1}}));

  // Over TLS a page of this server has an https origin: http:// of the same host is another
  // origin, and so is another host.
  WsClient plain_origin;
  EXPECT_ANY_THROW(plain_origin.connect_tls(port(), trust(), origin("http")));
  EXPECT_EQ(plain_origin.handshake_status(), 403);
  WsClient evil;
  EXPECT_ANY_THROW(evil.connect_tls(port(), trust(), std::string("https://evil.example")));
  EXPECT_EQ(evil.handshake_status(), 403);
}

TEST_F(Tls, FrameLimitsAsOverPlainWebSocket) {
  WsClient c;
  c.connect_tls(port(), trust());
  ASSERT_OK(c.request({{"type", "hello"}, {"protocol", 1}}));
  c.send_raw("{\"type\":\"forum.list\",\"id\":77,\"pad\":\"" + std::string(100 * 1024, 'x') + "\"}");
  std::optional<json> r;
  while ((r = c.read_any(5s)) && r->value("type", "") != "error") {}
  ASSERT_TRUE(r.has_value()) << "no answer to a frame over the limit";
  EXPECT_ERR(*r, "too_large");
  EXPECT_OK(c.request({{"type", "forum.list"}}));
  c.send_frame_unmanaged("{\"type\":\"forum.list\",\"id\":78,\"pad\":\"" + std::string(300 * 1024, 'y') + "\"}");
  ASSERT_TRUE(c.wait_closed(10s));
  EXPECT_EQ(c.close_code(), 1009);
}

TEST_F(Tls, PlainHttpAndWsOnTheTlsPortGetNoAnswer) {
  std::size_t failures_before = count(srv_->log(), "\"tls.handshake_failed\"");
  try {
    auto r = http_get(port(), "/healthz");
    ADD_FAILURE() << "plain HTTP on the TLS port was answered with HTTP " << r.status << ": " << r.body;
  } catch (const std::exception&) {
  }
  WsClient ws;
  EXPECT_ANY_THROW(ws.connect(port()));
  EXPECT_NE(ws.handshake_status(), 101);

  // Each was logged as a failed handshake, and the server serves on.
  auto deadline = std::chrono::steady_clock::now() + scaled(5s);
  while (count(srv_->log(), "\"tls.handshake_failed\"") < failures_before + 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  EXPECT_GE(count(srv_->log(), "\"tls.handshake_failed\""), failures_before + 2) << srv_->log();
  EXPECT_TRUE(srv_->running());
  EXPECT_EQ(https_request(port(), "/healthz", trust()).status, 200);
}

TEST_F(Tls, OffersTls12AndNewerOnly) {
  EXPECT_FALSE(handshake_with(port(), cert(), TLS1_VERSION, TLS1_1_VERSION)) << "TLS 1.0/1.1 accepted";
  EXPECT_TRUE(handshake_with(port(), cert(), TLS1_2_VERSION, TLS1_2_VERSION));
  EXPECT_TRUE(handshake_with(port(), cert(), TLS1_3_VERSION, TLS1_3_VERSION));
}

TEST_F(Tls, ClientThatNeverFinishesItsHandshakeIsDropped) {
  asio::io_context ioc;
  asio::ip::tcp::socket s(ioc);
  s.connect({asio::ip::make_address("127.0.0.1"), port()});
  // A TLS record header announcing a ClientHello that never comes.
  const char partial[] = {0x16, 0x03, 0x01, 0x00, static_cast<char>(0xc8)};
  asio::write(s, asio::buffer(partial, sizeof partial));
  timeval limit{static_cast<time_t>(scaled(60s).count() / 1000), 0};
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  auto start = std::chrono::steady_clock::now();
  char buf[64];
  ssize_t n = ::recv(s.native_handle(), buf, sizeof buf, 0);
  int err = errno;
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(n == 0 || (n < 0 && err == ECONNRESET)) << "the server did not drop the connection (recv " << n << ", errno " << err << ")";
  EXPECT_LT(waited, scaled(40s));  // the deadline is 20 s
  EXPECT_GT(waited, 10s);
  auto deadline = std::chrono::steady_clock::now() + scaled(5s);
  while (srv_->log().find("\"error\":\"timeout\"") == std::string::npos && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  EXPECT_NE(srv_->log().find("\"error\":\"timeout\""), std::string::npos) << srv_->log();
  EXPECT_EQ(https_request(port(), "/healthz", trust()).status, 200);
}

TEST_F(Tls, BadOrIncompleteOptionsStopTheStart) {
  std::string db = *dir_ + "/refused.db";
  auto serve = [&](std::vector<std::string> tls) {
    std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--db", db, "--web", *dir_};
    args.insert(args.end(), tls.begin(), tls.end());
    return run_cli_result(args, 60s);
  };
  openssl(*dir_, "pkey -in server.key -aes256 -passout pass:secret -out encrypted.key");
  openssl(*dir_, "req -x509 -key server.key -days 1 -subj /CN=x -out notpem.crt -outform DER");
  struct Case {
    std::vector<std::string> options;
    std::string message;
  };
  std::vector<Case> cases = {
      {{"--tls-cert", cert()}, "--tls-cert needs --tls-key"},
      {{"--tls-key", key()}, "--tls-key needs --tls-cert"},
      {{"--tls-cert", "", "--tls-key", key()}, "--tls-cert needs a FILE"},
      {{"--tls-cert", *dir_ + "/missing.crt", "--tls-key", key()}, "cannot read --tls-cert " + *dir_ + "/missing.crt: No such file"},
      {{"--tls-cert", cert(), "--tls-key", *dir_ + "/missing.key"}, "cannot read --tls-key"},
      {{"--tls-cert", *dir_ + "/notpem.crt", "--tls-key", key()}, "is not a PEM certificate chain"},
      {{"--tls-cert", key(), "--tls-key", key()}, "is not a PEM certificate chain"},
      {{"--tls-cert", cert(), "--tls-key", *dir_ + "/encrypted.key"}, "is not an unencrypted PEM private key"},
      {{"--tls-cert", cert(), "--tls-key", *dir_ + "/other.key"}, "does not match the certificate"},
      {{"--redirect-http", "127.0.0.1:0"}, "--redirect-http needs --tls-cert and --tls-key"},
      {{"--tls-cert", cert(), "--tls-key", key(), "--redirect-http", "80"}, "--redirect-http takes HOST:PORT"},
      {{"--tls-cert", cert(), "--tls-key", key(), "--redirect-http", "127.0.0.1:99999"}, "--redirect-http takes HOST:PORT"},
      {{"--tls-cert", cert(), "--tls-key", key(), "--redirect-http", "localhost:80"}, "--redirect-http takes HOST:PORT"},
  };
  for (const auto& c : cases) {
    auto r = serve(c.options);
    EXPECT_EQ(r.status, 1) << c.message << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("plenary: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << "expected '" << c.message << "' in:\n" << r.err;
    EXPECT_EQ(r.err.find("Sanitizer"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(db)) << "a refused start created the database";
}

// A private key every user can read still starts the server (the operator may be mid-setup),
// but the start is logged with a warning naming the fix; the certificate's expiry is logged.
TEST_F(Tls, WorldReadableKeyIsWarnedAboutAndExpiryLogged) {
  std::string readable = *dir_ + "/readable.key";
  fs::copy_file(key(), readable, fs::copy_options::overwrite_existing);
  ::chmod(readable.c_str(), 0644);
  ServerProcess warned({"--tls-cert", cert(), "--tls-key", readable});
  EXPECT_EQ(https_request(warned.port(), "/healthz", trust()).status, 200);
  std::string log = warned.log();
  EXPECT_NE(log.find("\"tls.key_readable\""), std::string::npos) << log;
  EXPECT_NE(log.find("chmod 600"), std::string::npos) << log;
  EXPECT_NE(log.find("\"expires\""), std::string::npos) << "the certificate's expiry is logged at start:\n" << log;
  EXPECT_EQ(srv_->log().find("\"tls.key_readable\""), std::string::npos)
      << "no warning for the suite's key (mode 600):\n" << srv_->log();
  EXPECT_EQ(warned.terminate(), 0) << warned.log();
}

// An expired certificate still starts the server (the renewed one may be on its way), but the
// start is logged with tls.cert_expired naming the certificate and its end date; the suite's
// valid certificate is not warned about.
TEST_F(Tls, ExpiredCertificateIsWarnedAbout) {
  make_expired_cert(*dir_, "expired");
  std::string expired = *dir_ + "/expired.crt";
  ServerProcess warned({"--tls-cert", expired, "--tls-key", *dir_ + "/expired.key"});
  std::string log = warned.log();
  std::string line = log_line(log, "tls.cert_expired");
  ASSERT_NE(line, "") << log;
  EXPECT_NE(line.find(expired), std::string::npos) << line;
  EXPECT_NE(line.find("\"expires\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"level\":\"warn\""), std::string::npos) << line;
  EXPECT_EQ(srv_->log().find("\"tls.cert_expired\""), std::string::npos)
      << "no warning for the suite's certificate (valid for 2 days):\n" << srv_->log();
  EXPECT_EQ(warned.terminate(), 0) << warned.log();
}

// --redirect-http: plain HTTP on its own port answers 308 to the same path on the https port,
// for a host name, an IPv4 or a bracketed IPv6 Host (its port replaced by the TLS port), HEAD
// without a body; a missing or malformed Host is answered 400 with no Location; the https side
// marks itself with Strict-Transport-Security. Nothing but the redirect is served there.
TEST_F(Tls, PlainHttpPortRedirectsToHttps) {
  ServerProcess srv({"--tls-cert", cert(), "--tls-key", key(), "--redirect-http", "127.0.0.1:0"});
  std::string log = srv.log();
  std::string text = log_line(log, "redirecting");
  ASSERT_NE(text, "") << log;
  json line = json::parse(text);
  auto port = line.at("port").get<std::uint16_t>();
  ASSERT_NE(port, 0);
  EXPECT_EQ(line.at("to_port").get<std::uint16_t>(), srv.port());
  std::string tls = ":" + std::to_string(srv.port());

  struct Case { std::string request, location; };
  for (const auto& c : std::vector<Case>{
           {"GET /api/export/declaration/1?format=md HTTP/1.1\r\nHost: forum.example.org\r\n\r\n",
            "https://forum.example.org" + tls + "/api/export/declaration/1?format=md"},
           {"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", "https://127.0.0.1" + tls + "/"},
           {"GET /ws HTTP/1.1\r\nHost: [::1]:80\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", "https://[::1]" + tls + "/ws"},
           {"GET http://elsewhere.example/x HTTP/1.1\r\nHost: forum.example.org\r\n\r\n", "https://forum.example.org" + tls + "/"},
           {"GET //elsewhere.example/x HTTP/1.1\r\nHost: forum.example.org\r\n\r\n", "https://forum.example.org" + tls + "/"},
       }) {
    std::string r = raw_exchange(port, c.request);
    EXPECT_EQ(r.rfind("HTTP/1.1 308 ", 0), 0u) << c.request << "\n" << r;
    EXPECT_EQ(header_of(r, "Location"), c.location) << r;
    EXPECT_EQ(header_of(r, "Connection"), "close") << r;
    EXPECT_NE(r.find("\r\n\r\nThis forum is served over https: " + c.location), std::string::npos) << r;
  }
  std::string head = raw_exchange(port, "HEAD /healthz HTTP/1.1\r\nHost: forum.example.org\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 308 ", 0), 0u) << head;
  EXPECT_EQ(head.substr(head.find("\r\n\r\n") + 4), "") << "HEAD has no body";
  for (const std::string& bad : {std::string("GET / HTTP/1.0\r\n\r\n"), std::string("GET / HTTP/1.1\r\nHost: evil.example/x\r\n\r\n"),
                                 std::string("GET / HTTP/1.1\r\nHost: a@b\r\n\r\n"), std::string("GET / HTTP/1.1\r\nHost: [nope]:1\r\n\r\n"),
                                 std::string("GET / HTTP/1.1\r\nHost: forum.example.org:x\r\n\r\n")}) {
    std::string r = raw_exchange(port, bad);
    EXPECT_NE(r.find(" 400 "), std::string::npos) << bad << "\n" << r;
    EXPECT_EQ(header_of(r, "Location"), "") << r;
  }
  // A head that never ends is cut: the server closes without answering, and keeps serving.
  std::string huge = "GET / HTTP/1.1\r\nHost: forum.example.org\r\nX: " + std::string(9000, 'a') + "\r\n\r\n";
  EXPECT_EQ(raw_exchange(port, huge).find("308"), std::string::npos);
  EXPECT_EQ(raw_exchange(port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").rfind("HTTP/1.1 308 ", 0), 0u);

  auto h = https_request(srv.port(), "/healthz", trust());
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.hsts, "max-age=15552000");
  EXPECT_EQ(srv.terminate(), 0) << srv.log();
}

// Plain http (no TLS) sends no Strict-Transport-Security.
TEST(Http, NoStrictTransportSecurityWithoutTls) {
  ServerProcess srv;
  EXPECT_EQ(http_request(srv.port(), "/healthz", std::nullopt).hsts, "");
}
