// Applying adopted amendments to the text (see Hub::apply_adopted_amendment).
//
// A modify amendment's op (in the original language: the amendment's own op, or its
// original-language rendering when it was written in another language) was made against
// revision R of the clause. It is carried over the clause's history since R with the core's
// rebase (core/amendments/rebase.hpp), one op at a time, and then submitted to the live document
// as a server-made op (opid `amendment:ID`, `by` the proposer): subscribers receive it as an
// ordinary doc.ops entry and translations go stale, whatever the declaration's phase (the
// drafting-phase restriction on edits is for people). An insert amendment creates a clause after
// the one it names; a delete amendment deletes its clause. Each application records a new
// numbered declaration version (version 1 being the text just before the first).
// When the text moved so that the amendment no longer applies cleanly, nothing is applied: the
// core's Conflict is stored on the amendment and pushed, for an organiser to resolve by hand
// (amendment.resolve) or to declare it fallen.
#include <iostream>

#include "app/amendment_store.hpp"
#include "app/hub.hpp"
#include "app/log.hpp"
#include "core/amendments/rebase.hpp"
#include "core/ot/text_op.hpp"
#include "store/events.hpp"

namespace plenary::app {

using amendments::Kind;
using amendments::State;

namespace {

json conflict_of(const std::string& reason, const std::string& message, std::int64_t revision) {
  return {{"reason", reason}, {"message", message}, {"revision", revision}, {"ranges", json::array()}};
}

bool still_pending(const amend::Record& r) { return r.a.state == State::adopted && !r.applied && r.conflict.is_null(); }

// Inside a work: stores the conflict on a still-pending amendment; returns its wire form.
json store_conflict(store::Db& db, std::int64_t id, const json& conflict) {
  auto r = amend::load(db, id);
  if (!r || !still_pending(*r)) throw store::WorkError("invalid_state", "the amendment is no longer waiting to be applied");
  r->conflict = conflict;
  amend::save(db, *r);
  store::record_event(db, r->forum, "amendment.conflict", 0, {{"declaration", r->declaration}, {"amendment", id}, {"conflict", conflict}});
  return amend::to_wire(db, *r);
}

// Inside a work: marks the amendment applied and records the new version.
json mark_applied(store::Db& db, amend::Record& r, const json& detail) {
  r.applied = true;
  r.applied_version = amend::record_version(db, r.declaration, "amendment", r.id);
  amend::save(db, r);
  json p = detail;
  p["declaration"] = r.declaration;
  p["amendment"] = r.id;
  p["version"] = r.applied_version;
  store::record_event(db, r.forum, "amendment.applied", 0, p);
  return amend::to_wire(db, r);
}

amend::Record pending_or_fail(store::Db& db, std::int64_t id) {
  auto r = amend::load(db, id);
  if (!r || !still_pending(*r)) throw store::WorkError("invalid_state", "the amendment is no longer waiting to be applied");
  return std::move(*r);
}

}  // namespace

void Hub::apply_adopted_amendment(std::int64_t amendment) { apply_amendment(amendment, {}); }

void Hub::apply_amendment(std::int64_t id, std::function<void()> done) {
  auto finish = [done] {
    if (done) done();
  };
  auto flag = [this, id, finish](const json& conflict) {
    commit_quiet([id, conflict](store::Db& db) { return store_conflict(db, id, conflict); },
                 [this, finish](store::Outcome o) {
                   if (o.ok) push_amendment(o.value["declaration"].get<std::int64_t>(), o.value);
                   finish();
                 });
  };
  try {
    auto r = amend::load(reader_, id);
    if (!r || !still_pending(*r)) return finish();
    auto info = amend::declaration_info(reader_, r->declaration);
    const bool in_original = r->lang == info.original;
    const bool rendering = r->orig_version == static_cast<std::int64_t>(r->a.version);
    const std::int64_t declaration = r->declaration;

    if (r->a.kind == Kind::modify) {
      ot::Op op;
      std::int64_t base;
      if (in_original) {
        op = r->a.op;
        base = static_cast<std::int64_t>(r->a.base_revision);
      } else if (rendering && r->orig_op && r->orig_base) {
        op = ot::parse(json::parse(*r->orig_op));
        base = *r->orig_base;
      } else {
        return flag(conflict_of("untranslated", "the amendment has no current text in the original language (" + info.original + ")", 0));
      }
      if (!amend::clause_live(reader_, declaration, r->clause))
        return flag(conflict_of("clause_deleted", "the clause this amendment changes was deleted", base));
      std::int64_t doc = amend::doc_of(reader_, r->clause, info.original);
      LiveDoc* live = docs_.get(reader_, doc);
      if (!live) return flag(conflict_of("clause_deleted", "the clause has no original-language document", base));
      auto& d = *live->doc;
      const std::string opid = "amendment:" + std::to_string(id);
      if (d.rev_of(opid)) return finish();  // already in the text (a retry after a failed commit resynced it)
      if (base > d.rev()) return flag(conflict_of("bad_revision", "the amendment's base revision is ahead of the clause", base));
      // The clause's history since the amendment's base, one op per revision.
      std::vector<ot::Op> history;
      if (base < d.oldest_rev()) {
        json stored = json::parse(Documents::ops_wire(reader_, doc, base, d.oldest_rev()));
        for (auto& e : stored) history.push_back(ot::parse(e["op"]));
      }
      for (std::int64_t rv = std::max(base, d.oldest_rev()) + 1; rv <= d.rev(); ++rv) history.push_back(d.entry(rv)->op);
      amendments::RebaseResult res;
      try {
        res = amendments::rebase(op, static_cast<std::uint64_t>(base), history);
      } catch (const ot::OpError& e) {
        return flag(conflict_of("bad_op", std::string("the amendment's op does not fit the clause: ") + e.what(), base));
      }
      if (auto* c = std::get_if<amendments::Conflict>(&res)) return flag(amendments::to_json(*c));
      ot::Op rebased = std::get<ot::Op>(std::move(res));
      const drafting::HistoryEntry* entry;
      try {
        entry = &d.submit(rebased, d.rev(), opid, r->proposer, 0);  // origin 0: every subscriber gets it
      } catch (const std::exception& e) {
        return flag(conflict_of("bad_op", std::string("the rebased op does not apply: ") + e.what(), d.rev()));
      }
      ops_++;
      const std::int64_t rev = entry->rev, author = r->proposer, clause = r->clause;
      const std::string op_text = ot::to_json(entry->op).dump(), lang = info.original;
      const bool snap = rev - live->snapshot_rev >= Documents::kSnapshotEvery;
      const std::string snap_text = snap ? d.text() : std::string();
      if (snap) live->snapshot_rev = rev;
      commit_quiet(
          [=](store::Db& db) {
            amend::Record rec = pending_or_fail(db, id);
            amend::ensure_base_version(db, declaration);
            db.prepare("INSERT INTO doc_ops(doc, rev, op, opid, author, at) VALUES(?,?,?,?,?,?)")
                .bind(1, doc).bind(2, rev).bind(3, op_text).bind(4, opid).bind(5, author).bind(6, amend::now_s()).run();
            if (snap) db.prepare("INSERT OR REPLACE INTO doc_snapshots(doc, rev, text) VALUES(?,?,?)").bind(1, doc).bind(2, rev).bind(3, snap_text).run();
            db.prepare("UPDATE docs SET status='stale' WHERE clause=? AND lang<>? AND status='current'").bind(1, clause).bind(2, lang).run();
            return mark_applied(db, rec, {{"doc", doc}, {"rev", rev}, {"op", json::parse(op_text)}});
          },
          [this, doc, rev, declaration, finish](store::Outcome o) {
            if (!o.ok) {
              log::error("amendment.apply_failed", {{"doc", doc}, {"code", o.code}, {"error", o.error}});
              resync_doc(doc);
              return finish();
            }
            LiveDoc* l = docs_.get(reader_, doc);
            if (l && l->committed < rev && rev <= l->doc->rev()) l->committed = rev;
            dirty_docs_.insert(doc);
            mark_translations_stale(doc);
            push_amendment(declaration, o.value);
            finish();
          });
      return;
    }

    // Insert and delete change the structure inside the work.
    std::string text;
    if (r->a.kind == Kind::insert) {
      if (in_original) text = r->a.text;
      else if (rendering && r->orig_text) text = *r->orig_text;
      else return flag(conflict_of("untranslated", "the amendment has no current text in the original language (" + info.original + ")", 0));
    }
    const std::string own_text = r->a.text, own_lang = r->lang, original = info.original;
    const json languages = info.languages;
    commit_quiet(
        [=](store::Db& db) {
          amend::Record rec = pending_or_fail(db, id);
          if (!amend::clause_live(db, declaration, rec.clause)) {
            json c = conflict_of("clause_deleted", rec.a.kind != Kind::insert ? "the clause was already deleted"
                                                   : rec.a.before                ? "the clause to insert before was deleted"
                                                                                 : "the clause to insert after was deleted", 0);
            return json{{"conflict", true}, {"amendment", store_conflict(db, id, c)}};
          }
          amend::ensure_base_version(db, declaration);
          json detail;
          if (rec.a.kind == Kind::del) {
            db.prepare("UPDATE clauses SET deleted=1 WHERE id=? AND deleted=0").bind(1, rec.clause).run();
            detail = {{"deleted", rec.clause}};
          } else {
            auto& p = db.prepare("SELECT position, section FROM clauses WHERE id=?");
            p.bind(1, rec.clause);
            p.step();
            std::int64_t pos = p.int64(0);
            std::optional<std::int64_t> section = p.opt_int64(1);
            p.reset();
            // Before the clause: the new one takes its position; after it: the next one.
            std::int64_t at = rec.a.before ? pos : pos + 1;
            db.prepare("UPDATE clauses SET position=position+1 WHERE declaration=? AND position>=?").bind(1, declaration).bind(2, at).run();
            db.prepare("INSERT INTO clauses(declaration, kind, section, position) VALUES(?,?,?,?)")
                .bind(1, declaration).bind(2, "clause").bind(3, section).bind(4, at).run();
            std::int64_t clause = db.last_insert_id();
            for (auto& l : languages) {
              std::string lang = l.get<std::string>();
              bool orig = lang == original;
              // The proposer's own words are a checked rendering of the new clause in their language.
              bool own = !orig && lang == own_lang;
              db.prepare("INSERT INTO docs(clause, lang, status, confirmed_rev) VALUES(?,?,?,?)")
                  .bind(1, clause).bind(2, lang).bind(3, orig ? "original" : own ? "current" : "stale").bind(4, own ? 1 : 0).run();
              std::int64_t doc = db.last_insert_id();
              const std::string& t = orig ? text : own_text;
              if (orig || own)
                db.prepare("INSERT INTO doc_ops(doc, rev, op, opid, author, at) VALUES(?,1,?,?,?,?)")
                    .bind(1, doc).bind(2, json::array({t}).dump()).bind(3, "amendment:" + std::to_string(id))
                    .bind(4, rec.proposer).bind(5, amend::now_s()).run();
            }
            detail = {{"inserted", clause}};
          }
          return json{{"conflict", false}, {"amendment", mark_applied(db, rec, detail)}};
        },
        [this, declaration, finish](store::Outcome o) {
          if (!o.ok) {
            log::error("amendment.apply_failed", {{"declaration", declaration}, {"code", o.code}, {"error", o.error}});
            return finish();
          }
          if (!o.value["conflict"].get<bool>()) broadcast_declaration(declaration);
          push_amendment(declaration, o.value["amendment"]);
          finish();
        });
  } catch (const std::exception& e) {
    log::error("amendment.apply_failed", {{"amendment", id}, {"error", e.what()}});
    finish();
  }
}

}  // namespace plenary::app
