#include "core/publish/annexes.hpp"

#include "core/publish/text.hpp"

namespace plenary::publish {

namespace {
using K = Block::Kind;
Block line(K kind, std::string text, const std::string& lang) { return text_block(kind, std::move(text), lang); }
}  // namespace

std::string outcome_line(const PollOutcome& p) {
  std::string s;
  for (auto& [option, n] : p.counts) {
    if (!s.empty()) s += " · ";
    s += option + " " + std::to_string(n);
  }
  if (!s.empty()) s += " — ";
  s += p.outcome.empty() ? p.state : p.outcome;
  s += " (" + std::to_string(p.ballots) + " ballots, " + std::to_string(p.present) + " of " +
       std::to_string(p.entitled) + " votes present)";
  return s;
}

std::string amendment_line(const AmendmentEntry& a, const std::string& lang) {
  std::string s = label("amendment", lang) + " " + std::to_string(a.number) + " · " + a.kind + " · " + a.state;
  if (!a.sponsor.empty()) s += " · " + a.sponsor;
  if (a.vote) s += " · " + outcome_line(*a.vote);
  if (!a.text.empty()) s += " · “" + a.text + "”";
  return s;
}

void poll_blocks(const PollOutcome& p, const std::string& L, std::vector<Block>& out) {
  out.push_back(line(K::subheading, p.title.empty() ? "Poll " + std::to_string(p.id) : p.title, L));
  out.push_back(line(K::meta, (p.secret ? label("secret", L) : label("named", L)) + " · " + p.method, L));
  out.push_back(line(K::paragraph, outcome_line(p), L));
  if (!p.secret)
    for (auto& b : p.named)
      out.push_back(line(K::item, b.name + ": " + b.choice + (b.weight != 1 ? " (×" + std::to_string(b.weight) + ")" : ""), L));
}

void annex_blocks(const Declaration& d, const Options& o, const std::string& L, std::vector<Block>& out) {
  if (o.annexes.votes) {
    out.push_back(line(K::heading, label("annex_votes", L), L));
    if (d.polls.empty()) out.push_back(line(K::paragraph, label("none", L), L));
    for (auto& p : d.polls) poll_blocks(p, L, out);
  }
  if (o.annexes.signatories) {
    out.push_back(line(K::heading, label("annex_signatories", L), L));
    if (d.signatories.empty()) out.push_back(line(K::paragraph, label("none", L), L));
    for (auto& s : d.signatories) {
      std::string t = std::to_string(s.seq) + ". " + s.name + " (" + label(s.kind, L);
      if (!s.country.empty()) t += ", " + s.country;
      out.push_back(line(K::item, t + ")", L));
    }
    if (d.signatures_state == "open") out.push_back(line(K::note, label("signatures_open", L), L));
    if (d.signatures_state == "closed") out.push_back(line(K::note, label("signatures_closed", L), L));
  }
  if (o.annexes.participation && d.participation) {
    out.push_back(line(K::heading, label("annex_participation", L), L));
    auto row_text = [&](const report::Row& r) {
      std::string name = r.dimension == "total" ? "total" : r.dimension + ": " + r.group;
      if (r.suppressed) return name + " — " + label("suppressed", L);
      return name + " — " + std::to_string(r.delegates) + " delegates, " + std::to_string(r.speakers) + " speakers, " +
             std::to_string(r.speeches) + " speeches (" + std::to_string(r.seconds) + " s), " +
             std::to_string(r.tablings) + " amendments tabled, " + std::to_string(r.cosponsorships) +
             " co-sponsorships, " + std::to_string(r.voters) + " voters";
    };
    out.push_back(line(K::meta, "k = " + std::to_string(d.participation->k), L));
    out.push_back(line(K::item, row_text(d.participation->total), L));
    for (auto& r : d.participation->rows) out.push_back(line(K::item, row_text(r), L));
  }
}

}  // namespace plenary::publish
