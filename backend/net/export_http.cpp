#include "net/export_http.hpp"
#include "app/prometheus.hpp"

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <sstream>

#include "core/publish/text.hpp"
#include "net/http_auth.hpp"
#include "protocol/errors.hpp"
#include "publish/export_loader.hpp"
#include "publish/exporter.hpp"
#include "publish/pandoc.hpp"
#include "store/db.hpp"

namespace plenary::net {

using publish_shell::Format;

namespace {
struct Route {
  enum class What { declaration, record } what;
  std::int64_t id = 0;
};

std::optional<Route> route(std::string_view path) {
  path.remove_prefix(kExportPrefix.size());
  auto num = [](std::string_view s) { return positive(std::string(s)); };
  if (path.rfind("declaration/", 0) == 0) {
    auto id = num(path.substr(12));
    if (id) return Route{Route::What::declaration, *id};
  } else if (path.rfind("forum/", 0) == 0) {
    auto rest = path.substr(6);
    auto slash = rest.find('/');
    if (slash != std::string_view::npos && rest.substr(slash) == "/record")
      if (auto id = num(rest.substr(0, slash))) return Route{Route::What::record, *id};
  }
  return std::nullopt;
}

HttpAnswer file_answer(publish_shell::ExportFile f, bool is_public) {
  HttpAnswer a;
  a.content_type = f.content_type;
  a.body = std::move(f.body);
  a.disposition = "attachment; filename=\"" + f.file_name + "\"";
  a.cache_control = is_public ? "no-cache" : "no-store";
  return a;
}

std::optional<HttpAnswer> refuse_caller(const HttpCaller& c, std::int64_t forum) {
  if (c.status != "accredited") return http_error(403, "not_accredited", "your registration is " + c.status);
  if (c.forum != forum) return http_error(403, "not_allowed", "you are logged in to another forum");
  if (!c.has_role("organiser") && !c.has_role("rapporteur"))
    return http_error(403, "not_allowed", "this needs the role organiser or rapporteur");
  return std::nullopt;
}

HttpAnswer declaration(store::Db& db, std::int64_t id, std::map<std::string, std::string>& params,
                       std::string_view authorization) {
  // The query.
  auto format = publish_shell::parse_format(params.count("format") ? params["format"] : "");
  if (!format)
    return http_error(400, "bad_message", "query parameter 'format' must be one of md, html, pdf, akn, docx, odt, json");
  bool history = false;
  if (params.count("history")) {
    if (params["history"] != "0" && params["history"] != "1")
      return http_error(400, "bad_message", "query parameter 'history' must be 0 or 1");
    history = params["history"] == "1";
  }
  publish::Annexes annexes;
  if (params.count("annexes") && !params["annexes"].empty()) {
    std::stringstream ss(params["annexes"]);
    std::string a;
    while (std::getline(ss, a, ',')) {
      if (a == "votes") annexes.votes = true;
      else if (a == "signatories") annexes.signatories = true;
      else if (a == "participation") annexes.participation = true;
      else if (a == "all") annexes = {true, true, true};
      else if (a == "none") continue;
      else return http_error(400, "bad_message", "unknown annex '" + a + "'; use votes, signatories, participation or all");
    }
  }
  std::string lang = params.count("lang") ? params["lang"] : "";
  if (lang.size() > 35) return http_error(400, "bad_message", "query parameter 'lang' is too long");

  // The declaration, and who may see it.
  auto& st = db.prepare("SELECT forum, COALESCE(workshop,0), phase, languages, original FROM declarations WHERE id=?");
  st.bind(1, id);
  if (!st.step()) {
    st.reset();
    return http_error(404, "not_found", "no such declaration");
  }
  std::int64_t forum = st.int64(0), workshop = st.int64(1);
  std::string phase = st.text(2), languages = st.text(3), original = st.text(4);
  st.reset();
  bool is_public = phase == "published";
  if (!is_public) {
    auto who = authenticate(db, authorization);
    if (auto* refusal = std::get_if<HttpAnswer>(&who)) return *refusal;
    const auto& c = std::get<HttpCaller>(who);
    if (auto refusal = refuse_caller(c, forum)) return *refusal;
    if (!c.has_role("organiser") && workshop) {
      auto& w = db.prepare("SELECT 1 FROM workshops WHERE id=? AND rapporteur=?");
      w.bind(1, workshop).bind(2, c.delegate);
      bool theirs = w.step();
      w.reset();
      if (!theirs)
        return http_error(403, "not_allowed", "an unpublished workshop statement is for organisers and its workshop's rapporteur");
    }
  }

  // The language(s).
  auto d = publish_shell::load_declaration(db, id, publish_shell::today_utc());
  publish::Options o;
  o.history = history;
  o.annexes = annexes;
  std::string lang_name = lang.empty() ? d.original : lang;
  if (lang == "all") {
    // The original first, then the others in the declaration's order.
    o.langs.push_back(d.original);
    for (auto& l : d.languages)
      if (l != d.original) o.langs.push_back(l);
  } else {
    bool known = false;
    for (auto& l : d.languages) known |= l == lang_name;
    if (!known) return http_error(400, "bad_message", "the declaration has no language '" + lang_name + "'");
    o.langs.push_back(lang_name);
  }
  return file_answer(publish_shell::export_declaration(d, o, *format, lang_name), is_public);
}

HttpAnswer record(store::Db& db, std::int64_t forum, std::map<std::string, std::string>& params,
                  std::string_view authorization) {
  std::string f = params.count("format") ? params["format"] : "";
  if (f != "html" && f != "pdf") return http_error(400, "bad_message", "query parameter 'format' must be html or pdf");
  auto& st = db.prepare("SELECT 1 FROM forums WHERE id=?");
  st.bind(1, forum);
  bool exists = st.step();
  st.reset();
  if (!exists) return http_error(404, "not_found", "no such forum");
  auto who = authenticate(db, authorization);
  if (auto* refusal = std::get_if<HttpAnswer>(&who)) return *refusal;
  if (auto refusal = refuse_caller(std::get<HttpCaller>(who), forum)) return *refusal;
  auto r = publish_shell::load_record(db, forum, publish_shell::today_utc());
  return file_answer(publish_shell::export_record(r, *publish_shell::parse_format(f)), false);
}
}  // namespace

bool is_export_target(std::string_view target) {
  return target.substr(0, target.find('?')).rfind(kExportPrefix, 0) == 0;
}

HttpAnswer export_answer(const Config& config, std::string_view target, std::string_view authorization) {
  auto r = route(target.substr(0, target.find('?')));
  if (!r) return http_error(404, "not_found", "no such export; see /api/export/declaration/{id} and /api/export/forum/{id}/record");
  auto params = query_params(target);
  try {
    store::Db db(config.db, store::Db::Mode::ReadOnly);
    return r->what == Route::What::declaration ? declaration(db, r->id, params, authorization)
                                               : record(db, r->id, params, authorization);
  } catch (const protocol::Error& e) {
    return http_error(e.code() == "not_found" ? 404 : 400, e.code(), e.what());
  } catch (const publish_shell::ConverterMissing& e) {
    return http_error(503, "unavailable", std::string("this format needs pandoc on the server: ") + e.what());
  } catch (const store::DbError& e) {
    return http_error(503, "unavailable", std::string("storage error: ") + e.what());
  } catch (const std::exception& e) {
    return http_error(500, "internal", std::string("the export failed: ") + e.what());
  }
}

namespace {
boost::asio::thread_pool& export_pool() {
  static boost::asio::thread_pool pool(kExportThreads);
  return pool;
}
std::atomic<int> exports_in_flight{0};
std::atomic<bool> exports_stopping{false};
std::atomic<std::uint64_t> exports_done{0}, exports_refused{0};
}  // namespace

bool submit_export(std::function<HttpAnswer()> render, std::function<void(HttpAnswer)> deliver) {
  if (exports_stopping.load()) {
    exports_refused.fetch_add(1);
    return false;
  }
  if (exports_in_flight.fetch_add(1) >= kExportsInFlight) {
    exports_in_flight.fetch_sub(1);
    exports_refused.fetch_add(1);
    return false;
  }
  boost::asio::post(export_pool(), [render = std::move(render), deliver = std::move(deliver)] {
    HttpAnswer answer = render();
    // Counted before the answer is handed on, so /metrics never lags behind a received answer.
    exports_in_flight.fetch_sub(1);
    exports_done.fetch_add(1);
    deliver(std::move(answer));
  });
  return true;
}

std::string export_metrics_text() {
  std::ostringstream o;
  auto metric = [&](const char* name, const char* type, const char* help, auto value) {
    app::prometheus_metric(o, name, type, help, value);
  };
  metric("plenary_exports_in_flight", "gauge", "Exports rendering or waiting for the export pool.", exports_in_flight.load());
  metric("plenary_exports_total", "counter", "Exports answered (any status).", exports_done.load());
  metric("plenary_exports_refused_total", "counter", "Exports refused with 503 (busy or shutting down).", exports_refused.load());
  return o.str();
}

void drain_exports() {
  exports_stopping.store(true);
  export_pool().join();
}

}  // namespace plenary::net
