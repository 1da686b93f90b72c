#include "store/migrations.hpp"

#include <string>
#include <vector>

namespace plenary::store {

namespace {
const std::vector<std::string>& migrations() {
  static const std::vector<std::string> list = {
      // 1: the forum's people and programme, sessions, the event record.
      R"sql(
CREATE TABLE forums(
  id INTEGER PRIMARY KEY, key TEXT UNIQUE, name TEXT NOT NULL, starts TEXT, ends TEXT,
  timezone TEXT NOT NULL DEFAULT 'UTC', languages TEXT NOT NULL,
  voting_unit TEXT NOT NULL DEFAULT 'delegate' CHECK (voting_unit IN ('delegate','organisation')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
CREATE TABLE networks(
  id INTEGER PRIMARY KEY, forum INTEGER NOT NULL REFERENCES forums(id), key TEXT,
  name TEXT NOT NULL, scope TEXT, UNIQUE(forum, key));
CREATE TABLE organisations(
  id INTEGER PRIMARY KEY, forum INTEGER NOT NULL REFERENCES forums(id), key TEXT,
  name TEXT NOT NULL, country TEXT, constituency TEXT NOT NULL, UNIQUE(forum, key));
CREATE UNIQUE INDEX organisations_name ON organisations(forum, name);
CREATE TABLE organisation_networks(
  organisation INTEGER NOT NULL REFERENCES organisations(id),
  network INTEGER NOT NULL REFERENCES networks(id), PRIMARY KEY(organisation, network));
CREATE TABLE delegates(
  id INTEGER PRIMARY KEY, forum INTEGER NOT NULL REFERENCES forums(id), key TEXT,
  name TEXT NOT NULL, email TEXT, password_hash TEXT, organisation INTEGER REFERENCES organisations(id),
  country TEXT, region TEXT, languages TEXT NOT NULL DEFAULT '[]', gender TEXT, accessibility TEXT,
  status TEXT NOT NULL CHECK (status IN ('registered','accredited','rejected')), reject_reason TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), UNIQUE(forum, key));
CREATE UNIQUE INDEX delegates_email ON delegates(forum, email) WHERE email IS NOT NULL;
CREATE TABLE roles(
  delegate INTEGER NOT NULL REFERENCES delegates(id), role TEXT NOT NULL, PRIMARY KEY(delegate, role));
CREATE TABLE access_codes(
  code_hash TEXT PRIMARY KEY, forum INTEGER NOT NULL REFERENCES forums(id),
  delegate INTEGER NOT NULL REFERENCES delegates(id),
  reusable INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), used_at TEXT);
CREATE TABLE sessions(
  token_hash TEXT PRIMARY KEY, delegate INTEGER NOT NULL REFERENCES delegates(id),
  forum INTEGER NOT NULL REFERENCES forums(id), expires_at INTEGER NOT NULL, revoked_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
CREATE INDEX sessions_delegate ON sessions(delegate);
CREATE TABLE slots(
  id INTEGER PRIMARY KEY, forum INTEGER NOT NULL REFERENCES forums(id), key TEXT,
  name TEXT NOT NULL, starts TEXT, ends TEXT, UNIQUE(forum, key));
CREATE TABLE rooms(
  id INTEGER PRIMARY KEY, forum INTEGER NOT NULL REFERENCES forums(id),
  kind TEXT NOT NULL CHECK (kind IN ('workshop','plenary')), name TEXT NOT NULL);
CREATE TABLE workshops(
  id INTEGER PRIMARY KEY, forum INTEGER NOT NULL REFERENCES forums(id), key TEXT,
  slot INTEGER REFERENCES slots(id), room INTEGER NOT NULL REFERENCES rooms(id), location TEXT,
  title TEXT NOT NULL, description TEXT NOT NULL DEFAULT '{}', working_language TEXT,
  interpretation TEXT NOT NULL DEFAULT '[]', capacity INTEGER,
  moderator INTEGER REFERENCES delegates(id), rapporteur INTEGER REFERENCES delegates(id),
  UNIQUE(forum, key));
CREATE TABLE plenaries(forum INTEGER PRIMARY KEY REFERENCES forums(id), room INTEGER NOT NULL REFERENCES rooms(id), location TEXT);
CREATE TABLE events(
  id INTEGER PRIMARY KEY, forum INTEGER, type TEXT NOT NULL, actor INTEGER, payload TEXT NOT NULL,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
CREATE INDEX events_forum ON events(forum, id);
)sql",
      // 2: declarations, clauses and their per-language text documents with op logs.
      R"sql(
CREATE TABLE declarations(
  id INTEGER PRIMARY KEY, forum INTEGER NOT NULL REFERENCES forums(id), key TEXT,
  workshop INTEGER REFERENCES workshops(id), title TEXT NOT NULL, languages TEXT NOT NULL,
  original TEXT NOT NULL, phase TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), UNIQUE(forum, key));
CREATE TABLE sections(
  id INTEGER PRIMARY KEY, declaration INTEGER NOT NULL REFERENCES declarations(id),
  position INTEGER NOT NULL, title TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE clauses(
  id INTEGER PRIMARY KEY, declaration INTEGER NOT NULL REFERENCES declarations(id),
  kind TEXT NOT NULL CHECK (kind IN ('clause','preamble')), section INTEGER REFERENCES sections(id),
  position INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX clauses_declaration ON clauses(declaration, position);
CREATE TABLE docs(
  id INTEGER PRIMARY KEY, clause INTEGER NOT NULL REFERENCES clauses(id), lang TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('original','current','stale','machine')),
  confirmed_rev INTEGER NOT NULL DEFAULT 0, UNIQUE(clause, lang));
CREATE TABLE doc_ops(
  doc INTEGER NOT NULL, rev INTEGER NOT NULL, op TEXT NOT NULL, opid TEXT NOT NULL,
  author INTEGER, at INTEGER NOT NULL, PRIMARY KEY(doc, rev)) WITHOUT ROWID;
CREATE UNIQUE INDEX doc_ops_opid ON doc_ops(doc, opid);
CREATE TABLE doc_snapshots(
  doc INTEGER NOT NULL, rev INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY(doc, rev)) WITHOUT ROWID;
)sql",
      // 3: amendments, their co-sponsors and the numbered versions of declarations.
      R"sql(
CREATE TABLE amendments(
  id INTEGER PRIMARY KEY, declaration INTEGER NOT NULL REFERENCES declarations(id),
  forum INTEGER NOT NULL REFERENCES forums(id),
  state TEXT NOT NULL CHECK (state IN ('draft','tabled','admissible','ruled_out','composited','scheduled',
                                       'voting','adopted','rejected','withdrawn','fallen')),
  number INTEGER NOT NULL, proposer INTEGER NOT NULL REFERENCES delegates(id),
  organisation INTEGER REFERENCES organisations(id),
  kind TEXT NOT NULL CHECK (kind IN ('modify','insert','delete')),
  clause INTEGER REFERENCES clauses(id), lang TEXT NOT NULL,
  base_revision INTEGER, op TEXT, text TEXT, justification TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1, reason TEXT,
  composited_into INTEGER REFERENCES amendments(id),
  orig_base_revision INTEGER, orig_op TEXT, orig_text TEXT, orig_version INTEGER, orig_by INTEGER,
  conflict TEXT, applied INTEGER NOT NULL DEFAULT 0, applied_version INTEGER,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  UNIQUE(declaration, number));
CREATE INDEX amendments_declaration ON amendments(declaration, id);
CREATE TABLE amendment_sponsors(
  amendment INTEGER NOT NULL REFERENCES amendments(id), organisation INTEGER NOT NULL REFERENCES organisations(id),
  confirmed_version INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(amendment, organisation)) WITHOUT ROWID;
CREATE TABLE amendment_network_sponsors(
  amendment INTEGER NOT NULL REFERENCES amendments(id), network INTEGER NOT NULL REFERENCES networks(id),
  confirmed_version INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(amendment, network)) WITHOUT ROWID;
CREATE TABLE amendment_links(
  composite INTEGER NOT NULL REFERENCES amendments(id), original INTEGER NOT NULL REFERENCES amendments(id),
  PRIMARY KEY(composite, original)) WITHOUT ROWID;
CREATE TABLE amendment_order(
  declaration INTEGER NOT NULL REFERENCES declarations(id), position INTEGER NOT NULL,
  amendment INTEGER NOT NULL REFERENCES amendments(id), PRIMARY KEY(declaration, position)) WITHOUT ROWID;
CREATE TABLE amendment_deadlines(
  declaration INTEGER PRIMARY KEY REFERENCES declarations(id), deadline TEXT, deadline_s INTEGER);
CREATE TABLE declaration_versions(
  declaration INTEGER NOT NULL REFERENCES declarations(id), number INTEGER NOT NULL, reason TEXT NOT NULL,
  amendment INTEGER REFERENCES amendments(id),
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), snapshot TEXT NOT NULL,
  PRIMARY KEY(declaration, number)) WITHOUT ROWID;
)sql",
      // 4: polls, ballots (secret ones unlinkable from voters), has-voted records, proxies.
      R"sql(
-- A poll: its subject (a free question, an amendment or a whole declaration), its settings
-- (votes::to_json(PollSettings)), its state, the roll fixed when it opened and its result.
CREATE TABLE polls(
  id INTEGER PRIMARY KEY, forum INTEGER NOT NULL REFERENCES forums(id),
  room INTEGER NOT NULL REFERENCES rooms(id),
  subject TEXT NOT NULL CHECK (subject IN ('question','amendment','declaration')), ref INTEGER,
  title TEXT, question TEXT, settings TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('created','open','closed','published')),
  roll TEXT, result TEXT, created_by INTEGER REFERENCES delegates(id),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  opened_at TEXT, closed_at TEXT, published_at TEXT);
CREATE INDEX polls_room ON polls(room, id);
-- Proxies: `holder` may cast `principal`'s ballot in this poll.
CREATE TABLE poll_proxies(
  poll INTEGER NOT NULL REFERENCES polls(id), principal INTEGER NOT NULL REFERENCES delegates(id),
  holder INTEGER NOT NULL REFERENCES delegates(id), PRIMARY KEY(poll, principal)) WITHOUT ROWID;
-- Who has voted: one row per voting unit (a delegate id, or an organisation id when the forum
-- votes by organisation). The primary key makes a second ballot for a unit fail atomically.
-- No time and no rowid: rows are ordered by (poll, unit), never by arrival.
CREATE TABLE poll_voted(
  poll INTEGER NOT NULL REFERENCES polls(id), unit TEXT NOT NULL,
  voter INTEGER NOT NULL REFERENCES delegates(id), cast_by INTEGER NOT NULL REFERENCES delegates(id),
  PRIMARY KEY(poll, unit)) WITHOUT ROWID;
-- Ballots of secret polls: the choice and its weight under a random 128-bit id, nothing else.
-- No voter, no time, no rowid: rows are stored in the order of their random ids.
CREATE TABLE secret_ballots(
  poll INTEGER NOT NULL REFERENCES polls(id), id BLOB NOT NULL, choice TEXT NOT NULL,
  weight INTEGER NOT NULL, PRIMARY KEY(poll, id)) WITHOUT ROWID;
-- Ballots of named polls: published with the result. `seq` is the arrival order (re-voting:
-- the last ballot replaces the earlier one).
CREATE TABLE named_ballots(
  poll INTEGER NOT NULL REFERENCES polls(id), unit TEXT NOT NULL,
  voter INTEGER NOT NULL REFERENCES delegates(id), cast_by INTEGER NOT NULL REFERENCES delegates(id),
  choice TEXT NOT NULL, weight INTEGER NOT NULL, seq INTEGER NOT NULL,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), PRIMARY KEY(poll, unit)) WITHOUT ROWID;
)sql",
      // 5: the floor: agendas, speakers' lists and the record of speeches.
      R"sql(
-- The agenda of a room (a workshop's room or the plenary), in order; at most one item current.
CREATE TABLE agenda_items(
  id INTEGER PRIMARY KEY, room INTEGER NOT NULL REFERENCES rooms(id), position INTEGER NOT NULL,
  title TEXT NOT NULL, kind TEXT NOT NULL, ref INTEGER, current INTEGER NOT NULL DEFAULT 0,
  UNIQUE(room, position));
CREATE UNIQUE INDEX agenda_items_current ON agenda_items(room) WHERE current=1;
-- The speakers' list of a room: its settings and the speaker who has the floor (if any).
-- The calling order is never stored: it is computed from the requests, the record and the mode.
CREATE TABLE speakers_lists(
  room INTEGER PRIMARY KEY REFERENCES rooms(id), forum INTEGER NOT NULL REFERENCES forums(id),
  mode TEXT NOT NULL DEFAULT 'plain' CHECK (mode IN ('plain','alternate_gender','alternate_constituency',
                                                      'first_time_first','cap_per_organisation')),
  cap INTEGER NOT NULL DEFAULT 1 CHECK (cap >= 1), time_limit INTEGER NOT NULL DEFAULT 0 CHECK (time_limit >= 0),
  next_seq INTEGER NOT NULL DEFAULT 1,
  current_delegate INTEGER REFERENCES delegates(id), current_organisation TEXT, current_gender TEXT,
  current_constituency TEXT, current_first_time INTEGER, current_point_of_order INTEGER,
  current_started INTEGER, current_limit INTEGER, current_workshop INTEGER REFERENCES workshops(id),
  current_item INTEGER);
-- Queued requests to speak, with the attributes balancing uses (as they were when requested).
CREATE TABLE speaker_requests(
  room INTEGER NOT NULL REFERENCES rooms(id), seq INTEGER NOT NULL,
  delegate INTEGER NOT NULL REFERENCES delegates(id), point_of_order INTEGER NOT NULL,
  organisation TEXT NOT NULL, gender TEXT NOT NULL, constituency TEXT NOT NULL, first_time INTEGER NOT NULL,
  PRIMARY KEY(room, seq)) WITHOUT ROWID;
CREATE UNIQUE INDEX speaker_requests_one ON speaker_requests(room, delegate, point_of_order);
-- The record of speeches (times in seconds since the epoch); `workshop` is the workshop the
-- room was holding (from the current agenda item, or the room's only workshop).
CREATE TABLE speeches(
  id INTEGER PRIMARY KEY, forum INTEGER NOT NULL REFERENCES forums(id), room INTEGER NOT NULL REFERENCES rooms(id),
  workshop INTEGER REFERENCES workshops(id), agenda_item INTEGER,
  delegate INTEGER NOT NULL REFERENCES delegates(id), organisation TEXT NOT NULL, gender TEXT NOT NULL,
  constituency TEXT NOT NULL, first_time INTEGER NOT NULL, point_of_order INTEGER NOT NULL,
  started INTEGER NOT NULL, ended INTEGER NOT NULL, time_limit INTEGER NOT NULL, CHECK (ended >= started));
CREATE INDEX speeches_room ON speeches(room, id);
CREATE INDEX speeches_forum ON speeches(forum, delegate);
)sql",
      // 6: endorsements: organisations and networks sign an adopted declaration.
      R"sql(
-- The signature list of a declaration: opened once the declaration is adopted, closed by
-- organisers. No row: signing has not been opened.
CREATE TABLE signature_lists(
  declaration INTEGER PRIMARY KEY REFERENCES declarations(id),
  state TEXT NOT NULL CHECK (state IN ('open','closed')),
  opened_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  closed_at TEXT, closed_by INTEGER REFERENCES delegates(id));
-- One signature per organisation or network and declaration (the key enforces it), made by an
-- authorised delegate; `seq` is the order of signing within the declaration.
CREATE TABLE signatures(
  declaration INTEGER NOT NULL REFERENCES declarations(id),
  signer_kind TEXT NOT NULL CHECK (signer_kind IN ('organisation','network')),
  signer INTEGER NOT NULL, signed_by INTEGER NOT NULL REFERENCES delegates(id), seq INTEGER NOT NULL,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY(declaration, signer_kind, signer)) WITHOUT ROWID;
CREATE UNIQUE INDEX signatures_seq ON signatures(declaration, seq);
)sql",
      // 7: an inserted clause may go before the clause it names (to open a section).
      R"sql(
ALTER TABLE amendments ADD COLUMN insert_before INTEGER NOT NULL DEFAULT 0 CHECK (insert_before IN (0,1));
)sql",
  };
  return list;
}
}  // namespace

int latest_schema_version() { return static_cast<int>(migrations().size()); }

int migrate(Db& db) {
  auto& st = db.prepare("PRAGMA user_version");
  st.step();
  int version = static_cast<int>(st.int64(0));
  st.reset();
  const auto& list = migrations();
  for (int v = version; v < static_cast<int>(list.size()); ++v) {
    Tx tx(db);
    db.exec(list[static_cast<size_t>(v)]);
    db.exec("PRAGMA user_version=" + std::to_string(v + 1));
    tx.commit();
  }
  return static_cast<int>(list.size());
}

}  // namespace plenary::store
