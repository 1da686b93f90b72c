#include "core/drafting/document.hpp"


namespace plenary::drafting {

Document::Document(std::string text, std::int64_t rev, std::size_t history_limit)
    : text_(text), rev_(rev), history_limit_(history_limit) {}

const HistoryEntry* Document::entry(std::int64_t rev) const {
  if (rev <= oldest_rev() || rev > rev_) return nullptr;
  return &history_[static_cast<std::size_t>(rev - oldest_rev() - 1)];
}

std::optional<std::int64_t> Document::rev_of(const std::string& opid) const {
  auto it = opids_.find(opid);
  if (it == opids_.end()) return std::nullopt;
  return it->second;
}

void Document::record(ot::Op op, const std::string& opid, std::int64_t author, std::uint64_t origin) {
  ++rev_;
  // The keys in the order nlohmann::json writes an object (sorted), as before.
  std::string wire;
  wire.reserve(64 + opid.size());
  wire += "{\"by\":";
  wire += std::to_string(author);
  wire += ",\"op\":";
  const std::size_t op_at = wire.size();
  ot::append_json(wire, op);
  const std::size_t op_len = wire.size() - op_at;
  wire += ",\"opid\":";
  ot::append_json_string(wire, opid);
  wire += ",\"rev\":";
  wire += std::to_string(rev_);
  wire += '}';
  history_.push_back(HistoryEntry{rev_, std::move(op), opid, author, origin, std::move(wire), op_at, op_len});
  if (history_.size() > history_limit_) history_.pop_front();
  opids_[opid] = rev_;
}

const HistoryEntry& Document::submit(const ot::Op& op, std::int64_t base, const std::string& opid,
                                     std::int64_t author, std::uint64_t origin) {
  if (base > rev_)
    throw SubmitError("bad_revision", "base revision " + std::to_string(base) + " is ahead of the document (" +
                                          std::to_string(rev_) + ")");
  if (base < 0) throw SubmitError("bad_revision", "base revision must not be negative");
  if (base < oldest_rev())
    throw SubmitError("bad_revision", "base revision " + std::to_string(base) +
                                          " is too old to transform; reopen the document with since");
  ot::Op t = op;
  for (std::int64_t r = base + 1; r <= rev_; ++r) t = ot::transform(t, entry(r)->op, ot::Side::Left);
  try {
    ot::apply_in_place(text_, t);
  } catch (const ot::OpError& e) {
    throw SubmitError("bad_op", e.what());
  }
  record(std::move(t), opid, author, origin);
  return history_.back();
}

void Document::replay(const ot::Op& op, const std::string& opid, std::int64_t author) {
  ot::apply_in_place(text_, op);
  record(op, opid, author, 0);
}

}  // namespace plenary::drafting
