// The annexes of a declaration export (record of votes, signatories, participation) and the
// one-line summaries of amendments and poll outcomes, shared by every renderer.
// Invariant: a secret poll is shown by its totals only; only a named poll lists ballots, by
// the voter's name and choice.
#pragma once
#include <string>
#include <vector>

#include "core/publish/blocks.hpp"

namespace plenary::publish {

// "yes 40 · no 10 · abstain 2 — adopted (52 ballots)"
std::string outcome_line(const PollOutcome& p);
// "Amendment 3 · modify · adopted · yes 40 · no 10 ..."
std::string amendment_line(const AmendmentEntry& a, const std::string& lang);
// Appends a poll's title, kind, totals and (named polls only) its ballots.
void poll_blocks(const PollOutcome& p, const std::string& lang, std::vector<Block>& out);
// Appends the annexes that `o` asks for, in `lang`.
void annex_blocks(const Declaration& d, const Options& o, const std::string& lang, std::vector<Block>& out);

}  // namespace plenary::publish
