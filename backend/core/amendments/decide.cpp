#include "core/amendments/decide.hpp"

#include "core/votes/codes.hpp"

namespace plenary::amendments {

Outcome decide(Amendment& a, const votes::Result& result) {
  if (result.state != votes::PollState::closed && result.state != votes::PollState::published)
    return Refusal{std::string(votes::codes::kInvalidState), "the poll is not closed yet"};
  return transition(a, result.passed ? State::adopted : State::rejected, Actor::poll);
}

}  // namespace plenary::amendments
