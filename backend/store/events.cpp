#include "store/events.hpp"

namespace plenary::store {

void record_event(Db& db, std::int64_t forum, std::string_view type, std::int64_t actor,
                  const nlohmann::json& payload) {
  auto& st = db.prepare("INSERT INTO events(forum, type, actor, payload) VALUES(?,?,?,?)");
  st.bind(1, forum).bind(2, type);
  if (actor) st.bind(3, actor);
  else st.bind_null(3);
  st.bind(4, payload.dump()).run();
}

}  // namespace plenary::store
