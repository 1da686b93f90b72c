// The phases of a declaration and the transitions between them, as data.
// Invariant: a phase changes only along an edge of kTransitions.
#pragma once
#include <string_view>

namespace plenary::drafting {

inline constexpr std::string_view kPhases[] = {"drafting", "amendments", "voting", "adopted", "published"};
struct Transition { std::string_view from, to; };
inline constexpr Transition kTransitions[] = {
    {"drafting", "amendments"}, {"amendments", "drafting"}, {"amendments", "voting"},
    {"voting", "amendments"},   {"voting", "adopted"},      {"adopted", "published"}};

bool is_phase(std::string_view p);
bool may_move(std::string_view from, std::string_view to);
// Whether the original-language text may be edited live in this phase.
inline bool original_editable(std::string_view phase) { return phase == "drafting"; }
// Whether translations may be edited (translators keep language versions current until adoption).
inline bool translation_editable(std::string_view phase) {
  return phase == "drafting" || phase == "amendments" || phase == "voting";
}

}  // namespace plenary::drafting
