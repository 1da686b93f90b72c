#include "core/drafting/phase.hpp"

namespace plenary::drafting {
bool is_phase(std::string_view p) {
  for (auto x : kPhases)
    if (x == p) return true;
  return false;
}
bool may_move(std::string_view from, std::string_view to) {
  for (auto t : kTransitions)
    if (t.from == from && t.to == to) return true;
  return false;
}
}  // namespace plenary::drafting
