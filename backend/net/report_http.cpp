#include "net/report_http.hpp"

#include <nlohmann/json.hpp>

#include "app/report_data.hpp"
#include "net/http_auth.hpp"
#include "protocol/errors.hpp"
#include "store/db.hpp"

namespace plenary::net {

std::optional<HttpAnswer> report_csv(const Config& config, std::string_view target, std::string_view authorization) {
  auto q = target.find('?');
  if (target.substr(0, q) != kReportCsvPath) return std::nullopt;

  // Who is asking: a bearer token of a live session.
  if (bearer_token(authorization).empty())
    return http_error(401, "unauthenticated", "send Authorization: Bearer <session token>");

  try {
    store::Db db(config.db, store::Db::Mode::ReadOnly);
    auto who = authenticate(db, authorization);
    if (auto* refusal = std::get_if<HttpAnswer>(&who)) return *refusal;
    const auto& caller = std::get<HttpCaller>(who);

    // What is asked: forum, workshop, k.
    auto params = query_params(target);
    auto forum = params.count("forum") ? positive(params["forum"]) : std::nullopt;
    if (!forum) return http_error(400, "bad_message", "query parameter 'forum' (a positive integer) is required");
    std::optional<std::int64_t> workshop;
    if (params.count("workshop")) {
      workshop = positive(params["workshop"]);
      if (!workshop) return http_error(400, "bad_message", "query parameter 'workshop' must be a positive integer");
    }
    std::int64_t k = app::kDefaultReportK;
    if (params.count("k")) {
      auto v = positive(params["k"]);
      if (!v || *v > 1000) return http_error(400, "bad_message", "query parameter 'k' must be an integer between 1 and 1000");
      k = *v;
    }

    // May they: an accredited organiser or rapporteur of that forum.
    if (caller.status != "accredited") return http_error(403, "not_accredited", "your registration is " + caller.status);
    if (!caller.has_role("organiser") && !caller.has_role("rapporteur"))
      return http_error(403, "not_allowed", "this needs the role organiser or rapporteur");
    if (caller.forum != *forum) return http_error(403, "not_allowed", "you are logged in to another forum");

    auto rep = app::participation_report(db, *forum, workshop, k);
    HttpAnswer a;
    a.content_type = "text/csv; charset=utf-8";
    a.body = report::to_csv(rep);
    std::string name = "participation-forum-" + std::to_string(*forum);
    if (workshop) name += "-workshop-" + std::to_string(*workshop);
    a.disposition = "attachment; filename=\"" + name + ".csv\"";
    return a;
  } catch (const protocol::Error& e) {
    return http_error(e.code() == "not_found" ? 404 : 400, e.code(), e.what());
  } catch (const std::exception& e) {
    return http_error(503, "unavailable", std::string("storage error: ") + e.what());
  }
}

}  // namespace plenary::net
