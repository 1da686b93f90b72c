// One text document (a clause in one language) as the server holds it: its text, its revision
// and the recent history of ops that made it, in the Jupiter model of central-server OT.
// Invariants: rev() equals the number of ops ever applied; history() holds the ops of the
// newest revisions contiguously, each with the revision it produced; an op id is applied at
// most once; a rejected op leaves text and revision unchanged.
#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/ot/text_doc.hpp"
#include "core/ot/text_op.hpp"

namespace plenary::drafting {

struct HistoryEntry {
  std::int64_t rev;      // the revision this op produced
  ot::Op op;
  std::string opid;
  std::int64_t author;
  std::uint64_t origin;  // an opaque tag of where the op came from (the shell's connection id)
  std::string wire;      // {"by":..,"op":..,"opid":..,"rev":..} serialised once, for fan-out
  std::size_t op_at = 0, op_len = 0;  // where the op's JSON sits in `wire`
  std::string_view op_json() const { return std::string_view(wire).substr(op_at, op_len); }
};

// Why an op was refused: code is "bad_op" or "bad_revision".
struct SubmitError : std::runtime_error {
  SubmitError(std::string c, const std::string& m) : std::runtime_error(m), code(std::move(c)) {}
  std::string code;
};

class Document {
public:
  Document(std::string text, std::int64_t rev, std::size_t history_limit = 20000);

  std::int64_t rev() const { return rev_; }
  std::int64_t oldest_rev() const { return rev_ - static_cast<std::int64_t>(history_.size()); }
  std::string text() const { return text_.str(); }
  std::size_t length() const { return text_.length_cp(); }
  const std::deque<HistoryEntry>& history() const { return history_; }
  const HistoryEntry* entry(std::int64_t rev) const;

  // The revision an op id produced, if it was applied since this document was loaded.
  std::optional<std::int64_t> rev_of(const std::string& opid) const;
  // Remembers an op id applied before load (found in storage).
  void remember(const std::string& opid, std::int64_t rev) { opids_[opid] = rev; }

  // Transforms `op`, based on revision `base`, past every later op (it takes side Left, as in
  // ShareDB), applies it and returns the entry it became. Throws SubmitError.
  const HistoryEntry& submit(const ot::Op& op, std::int64_t base, const std::string& opid, std::int64_t author,
                             std::uint64_t origin = 0);

  // Replays one historical op at load time (no transform).
  void replay(const ot::Op& op, const std::string& opid, std::int64_t author);

private:
  void record(ot::Op op, const std::string& opid, std::int64_t author, std::uint64_t origin);
  ot::TextDoc text_;
  std::int64_t rev_;
  std::size_t history_limit_;
  std::deque<HistoryEntry> history_;
  std::unordered_map<std::string, std::int64_t> opids_;
};

}  // namespace plenary::drafting
