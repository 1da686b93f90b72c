// The open text documents, loaded on first use from their newest snapshot plus later ops, and
// kept in memory while the server runs. Lives on the Hub's strand.
// Invariants: a LiveDoc's `committed` never exceeds doc.rev(); ops above `committed` are
// applied in memory but not yet durable, so they are neither acknowledged nor broadcast.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "core/drafting/document.hpp"
#include "store/db.hpp"

namespace plenary::app {

struct LiveDoc {
  std::int64_t id = 0, clause = 0, declaration = 0, forum = 0;
  std::string lang, status;      // status: original | current | stale | machine
  std::int64_t confirmed_rev = 0;
  std::string original_lang;
  std::int64_t workshop = 0;     // a workshop statement's workshop, or 0
  std::unique_ptr<drafting::Document> doc;
  std::int64_t committed = 0;    // highest revision known durable
  std::int64_t loaded_rev = 0;   // the revision when it was loaded from storage
  std::int64_t snapshot_rev = 0; // newest snapshot taken
  std::set<std::uint64_t> subscribers;
};

class Documents {
public:
  static constexpr std::int64_t kSnapshotEvery = 1000;

  // The document, loading it if needed; nullptr if there is no such document.
  LiveDoc* get(store::Db& db, std::int64_t id);
  // Drops a document from memory so that the next get() reloads it from storage.
  void forget(std::int64_t id) { docs_.erase(id); }
  std::map<std::int64_t, std::unique_ptr<LiveDoc>>& all() { return docs_; }

  // The text of a document at a past revision, from storage (snapshot + ops).
  static std::string text_at(store::Db& db, std::int64_t doc, std::int64_t rev);
  // The ops after revision `since`, up to `upto`, from storage, as wire entries.
  static std::string ops_wire(store::Db& db, std::int64_t doc, std::int64_t since, std::int64_t upto);
  // Looks an op id up in storage: the revision it produced, or 0.
  static std::int64_t stored_opid(store::Db& db, std::int64_t doc, const std::string& opid);

private:
  std::map<std::int64_t, std::unique_ptr<LiveDoc>> docs_;
};

}  // namespace plenary::app
