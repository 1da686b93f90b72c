// Error codes the voting, amendment and floor cores return, as constants.
//
// They are a subset of the protocol's closed list (protocols/errors.json), so the shell can put
// them straight into an error reply. The core never invents a code outside that list.
#pragma once
#include <string_view>

namespace plenary::votes::codes {

// Malformed input: an unknown method, a choice that is not an option, a ranking with
// duplicates or no entries, a block without a reason, a weight below one.
inline constexpr std::string_view kBadMessage = "bad_message";
// The target's state does not allow this: a ballot for a poll that is not open, a transition
// that is not an edge of the workflow.
inline constexpr std::string_view kInvalidState = "invalid_state";
// A second ballot from the same voting unit when re-voting is not allowed.
inline constexpr std::string_view kDuplicate = "duplicate";
// The actor may not do this: an ineligible voter, a proxy not held, a proxy ballot beyond the
// holder's limit, a transition reserved for another kind of actor.
inline constexpr std::string_view kNotAllowed = "not_allowed";
// Something named does not exist (an amendment's co-sponsor that was never invited).
inline constexpr std::string_view kNotFound = "not_found";
// A stale version: confirming support for a version of an amendment that has since changed.
inline constexpr std::string_view kBadRevision = "bad_revision";

}  // namespace plenary::votes::codes
