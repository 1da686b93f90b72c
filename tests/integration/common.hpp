// Shared helpers of the integration tests.
#pragma once
#include <gtest/gtest.h>

#include "harness.hpp"

namespace it {

inline std::string code_of(const json& reply) {
  if (reply.value("type", "") == "error") return reply.value("code", "");
  return reply.value("type", "");
}

// Asserts an ok reply and returns it (fails the test with the reply otherwise).
// Each evaluates `reply` once (it is often a request expression).
#define EXPECT_OK(reply) do { const ::it::json it_r_ = (reply); EXPECT_EQ(::it::code_of(it_r_), "ok") << it_r_.dump(); } while (0)
#define ASSERT_OK(reply) do { const ::it::json it_r_ = (reply); ASSERT_EQ(::it::code_of(it_r_), "ok") << it_r_.dump(); } while (0)
#define EXPECT_ERR(reply, code) do { const ::it::json it_r_ = (reply); EXPECT_EQ(::it::code_of(it_r_), code) << it_r_.dump(); } while (0)
#define ASSERT_ERR(reply, code) do { const ::it::json it_r_ = (reply); ASSERT_EQ(::it::code_of(it_r_), code) << it_r_.dump(); } while (0)

// The seeded forum's id (the first forum listed).
inline std::int64_t seeded_forum(WsClient& c) {
  json r = c.request({{"type", "forum.list"}});
  if (r.value("type", "") != "ok" || r["forums"].empty()) throw std::runtime_error("forum.list: " + r.dump());
  return r["forums"][0]["id"].get<std::int64_t>();
}

// A connected client logged in with a badge code.
inline std::unique_ptr<WsClient> logged_in(const ServerProcess& srv, std::int64_t forum, const std::string& code) {
  auto c = std::make_unique<WsClient>();
  c->connect(srv.port());
  json r = login_code(*c, forum, code);
  if (r.value("type", "") != "ok") throw std::runtime_error("login with " + code + " failed: " + r.dump());
  return c;
}

// Access codes are single-use: the first connection logs in with the code, later ones resume
// its session by sending the token in `hello`.
class Sessions {
public:
  std::unique_ptr<WsClient> open(const ServerProcess& srv, std::int64_t forum, const std::string& code) {
    auto c = std::make_unique<WsClient>();
    c->connect(srv.port());
    auto it = tokens_.find(code);
    if (it != tokens_.end()) {
      json h = c->request({{"type", "hello"}, {"protocol", 1}, {"token", it->second}});
      if (h.value("type", "") != "ok" || !h.contains("delegate")) throw std::runtime_error("hello with a token failed: " + h.dump());
      return c;
    }
    json r = login_code(*c, forum, code);
    if (r.value("type", "") != "ok") throw std::runtime_error("login with " + code + " failed: " + r.dump());
    tokens_[code] = r["token"];
    return c;
  }
private:
  std::map<std::string, std::string> tokens_;
};

inline std::int64_t forum_of(const ServerProcess& srv) {
  WsClient c;
  c.connect(srv.port());
  c.request({{"type", "hello"}, {"protocol", 1}});
  return seeded_forum(c);
}

// The seeded declaration's id (the first one of the forum).
inline std::int64_t seeded_declaration(WsClient& c, std::int64_t forum) {
  json r = c.request({{"type", "declaration.list"}, {"forum", forum}});
  if (r.value("type", "") != "ok" || r["declarations"].empty()) throw std::runtime_error("declaration.list: " + r.dump());
  return r["declarations"][0]["id"].get<std::int64_t>();
}

// A registration message for a new person with a new organisation.
inline json registration(std::int64_t forum, const std::string& email, const std::string& name = "Test Person") {
  return {{"type", "register"},
          {"forum", forum},
          {"name", name},
          {"email", email},
          {"password", "correct horse battery"},
          {"organisation", {{"name", "Org of " + name}, {"country", "MX"}, {"constituency", "ngo"}}},
          {"country", "MX"},
          {"languages", {"es", "en"}}};
}

}  // namespace it
