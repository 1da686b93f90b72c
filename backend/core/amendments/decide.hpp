// Turning a closed poll's result into the amendment's final state, the one place where the
// poll acts as the actor of the workflow.
//
// Invariant: only a result of a poll that is closed or published moves an amendment, and only
// from voting, to adopted when the result passed and to rejected otherwise (no quorum, a tie
// and a failed threshold all reject).
#pragma once
#include "core/amendments/lifecycle.hpp"
#include "core/votes/tally.hpp"

namespace plenary::amendments {

Outcome decide(Amendment& a, const votes::Result& result);

}  // namespace plenary::amendments
