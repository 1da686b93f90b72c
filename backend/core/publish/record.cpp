#include "core/publish/record.hpp"

#include "core/publish/annexes.hpp"
#include "core/publish/text.hpp"

namespace plenary::publish {

namespace {
using K = Block::Kind;

Block b(K kind, std::string text, const std::string& lang) { return text_block(kind, std::move(text), lang); }

std::string duration(std::int64_t s) {
  return std::to_string(s / 60) + ":" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60);
}

void speakers(const std::vector<Speaker>& list, const std::string& L, std::vector<Block>& out) {
  out.push_back(b(K::subheading, label("speakers", L), L));
  if (list.empty()) out.push_back(b(K::paragraph, label("none", L), L));
  for (auto& s : list) {
    std::string t = s.name;
    if (!s.organisation.empty()) t += " (" + s.organisation + ")";
    t += " — " + duration(s.seconds);
    if (s.point_of_order) t += " — point of order";
    out.push_back(b(K::item, t, L));
  }
}

void workshop(const WorkshopRecord& w, const std::string& L, std::vector<Block>& out) {
  Block h = b(K::heading, pick(w.title, L, w.working_language), L);
  h.id = "workshop_" + std::to_string(w.id);
  out.push_back(std::move(h));
  std::string meta;
  if (!w.location.empty()) meta += label("room", L) + ": " + w.location;
  if (!w.moderator.empty()) meta += (meta.empty() ? "" : " · ") + label("moderator", L) + ": " + w.moderator;
  if (!w.rapporteur.empty()) meta += (meta.empty() ? "" : " · ") + label("rapporteur", L) + ": " + w.rapporteur;
  if (!meta.empty()) out.push_back(b(K::meta, meta, L));
  for (auto& s : w.statements) {
    out.push_back(b(K::subheading, label("statement", L) + ": " + pick(s.title, s.lang, s.lang), s.lang));
    out.push_back(b(K::meta, s.phase + " · " + language_name(s.lang), L));
    for (auto& [n, text] : s.clauses) {
      Block c = b(n ? K::clause : K::paragraph, text, s.lang);
      if (n) c.label = label("clause", s.lang) + " " + std::to_string(n);
      out.push_back(std::move(c));
    }
  }
  speakers(w.speakers, L, out);
}
}  // namespace

Document record_blocks(const ForumRecord& r) {
  const std::string& L = r.lang;
  Document doc;
  doc.lang = L;
  doc.title = label("record", L) + " — " + pick(r.name, L, L);
  auto& out = doc.blocks;
  out.push_back(b(K::title, label("record", L), L));
  out.push_back(b(K::subtitle, pick(r.name, L, L), L));
  out.push_back(b(K::meta, r.starts + " – " + r.ends, L));
  out.push_back(b(K::heading, label("programme", L), L));
  for (auto& s : r.slots) {
    out.push_back(b(K::subheading, pick(s.name, L, L) + " (" + s.starts + " – " + s.ends + ")", L));
    for (auto& w : s.workshops) {
      std::string t = pick(w.title, L, w.working_language);
      if (!w.location.empty()) t += " — " + w.location;
      out.push_back(b(K::item, t, L));
    }
  }
  out.push_back(b(K::page_break, "", L));
  for (auto& s : r.slots)
    for (auto& w : s.workshops) workshop(w, L, out);
  for (auto& w : r.unscheduled) workshop(w, L, out);
  out.push_back(b(K::heading, label("plenary", L), L));
  speakers(r.plenary_speakers, L, out);
  out.push_back(b(K::heading, label("polls", L), L));
  if (r.polls.empty()) out.push_back(b(K::paragraph, label("none", L), L));
  for (auto& p : r.polls) poll_blocks(p, L, out);
  return doc;
}

std::string record_file_name(const ForumRecord& r, const std::string& ext) {
  std::string forum = r.key.empty() ? "forum-" + std::to_string(r.id) : r.key;
  return slug(forum) + "_record." + ext;
}

}  // namespace plenary::publish
