// report.participation: the participation report of a forum or one of its workshops, computed
// from storage (app/report_data) by core report::participation, small groups suppressed.
#include "app/hub.hpp"
#include "app/report_data.hpp"
#include "protocol/errors.hpp"
#include "protocol/fields.hpp"

namespace plenary::app {

using namespace protocol;

void Hub::on_report_participation(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t forum = id_of(m, "forum");
  auto workshop = opt_id_of(m, "workshop");
  std::int64_t k = kDefaultReportK;
  if (auto it = m.find("k"); it != m.end() && !it->is_null()) {
    if (it->is_number_unsigned() && it->get<std::uint64_t>() <= 1000) k = static_cast<std::int64_t>(it->get<std::uint64_t>());
    else fail("bad_message", "field 'k' must be an integer between 1 and 1000");
    if (k < 1) fail("bad_message", "field 'k' must be an integer between 1 and 1000");
  }
  require_role(c, {"organiser", "rapporteur"});
  require_forum(c, forum);
  json r = report::to_json(participation_report(reader_, forum, workshop, k));
  r["forum"] = forum;
  r["workshop"] = workshop ? json(*workshop) : json(nullptr);
  reply.ok({{"report", r}});
}

}  // namespace plenary::app
