// Golden files of every export format on the seed forum (seed/forum.json loaded into a temporary
// database in-process, plus signatures, published polls and speeches inserted here), compared
// exactly with tests/golden/export/. Text formats are compared as they are; PDF through the text
// pdftotext extracts, DOCX and ODT through the text pandoc reads back from them.
// Regenerate after an intended change: PLENARY_UPDATE_GOLDEN=1 build-asan/shell_tests
// --gtest_filter='ExportGolden*' (then review the diff). Also: the Akoma Ntoso files validate
// with xmllint against ../shared/schemas/akn/akomantoso30.xsd, and the PDF of the five-language
// workshop statement contains its Spanish, Arabic, Hindi and Chinese sentences.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/seed_loader.hpp"
#include "core/publish/text.hpp"
#include "publish/export_loader.hpp"
#include "publish/exporter.hpp"
#include "store/db.hpp"
#include "store/migrations.hpp"

namespace fs = std::filesystem;
using namespace plenary;
using json = nlohmann::json;
using publish_shell::Format;

namespace {

const std::string kGenerated = "2026-12-05";

std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}
void write(const fs::path& p, const std::string& s) {
  std::ofstream f(p, std::ios::binary);
  f << s;
}
fs::path golden_dir() { return fs::path(PLENARY_SOURCE_DIR) / "tests/golden/export"; }

// Compares with the golden file (or rewrites it under PLENARY_UPDATE_GOLDEN=1).
void golden(const std::string& name, const std::string& actual) {
  auto path = golden_dir() / name;
  const char* update = std::getenv("PLENARY_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    write(path, actual);
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing: run with PLENARY_UPDATE_GOLDEN=1 to create it";
  std::string expected = read(path);
  if (expected == actual) return;
  std::istringstream a(actual), e(expected);
  std::string la, le;
  int line = 0;
  while (true) {
    ++line;
    bool ga = static_cast<bool>(std::getline(a, la)), ge = static_cast<bool>(std::getline(e, le));
    if (!ga && !ge) break;
    if (la != le || ga != ge) {
      ADD_FAILURE() << name << " differs from its golden file at line " << line << ":\n  golden: " << le
                    << "\n  actual: " << la;
      return;
    }
  }
  ADD_FAILURE() << name << " differs from its golden file";
}

// Runs a command line (fixed strings of this test only); returns its exit status.
int run(const std::string& cmd) { return std::system(cmd.c_str()); }

std::string squash(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Text as pdftotext gives it back, compared without layout: no whitespace (pdftotext puts
// spaces inside words where glyphs of Devanagari and Arabic are spaced apart, and breaks lines)
// and no bidi embedding marks (it wraps right-to-left lines in U+202B..U+202C). Known limit of
// pdftotext, not of the PDF: it splits a lam-alef ligature glyph (لا, لأ) into two letters placed
// apart, so the Arabic sentence checked here is one without that ligature.
std::string strip_layout(const std::string& s) {
  std::string out = squash(s), r;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == ' ') continue;
    if (out.compare(i, 3, "\xE2\x80\xAA") == 0 || out.compare(i, 3, "\xE2\x80\xAB") == 0 ||
        out.compare(i, 3, "\xE2\x80\xAC") == 0 || out.compare(i, 3, "\xE2\x80\x8F") == 0 ||
        out.compare(i, 3, "\xE2\x80\x8E") == 0) {
      i += 2;
      continue;
    }
    r += out[i];
  }
  return r;
}
struct Seeded {
  fs::path dir;
  std::string db_path;
  std::int64_t forum = 0, final_decl = 0, statement = 0;
  Seeded() {
    dir = fs::temp_directory_path() / ("plenary-export-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    db_path = (dir / "seed.db").string();
    store::Db db(db_path);
    store::migrate(db);
    std::ifstream in(std::string(PLENARY_SOURCE_DIR) + "/seed/forum.json");
    forum = cli::load_seed(db, json::parse(in)).forum;
    auto id_of = [&](const std::string& sql) {
      auto& st = db.prepare(sql);
      st.step();
      auto v = st.int64(0);
      st.reset();
      return v;
    };
    final_decl = id_of("SELECT id FROM declarations WHERE key='final'");
    statement = id_of("SELECT id FROM declarations WHERE key='w01_statement'");
    std::int64_t rapporteur = id_of("SELECT id FROM delegates WHERE key='marites_villanueva'");
    std::int64_t organiser = id_of("SELECT id FROM delegates WHERE key='itzel_ramirez'");
    std::int64_t dewi = id_of("SELECT id FROM delegates WHERE key='dewi_lestari'");
    std::int64_t plenary_room = id_of("SELECT room FROM plenaries");
    std::int64_t w01 = id_of("SELECT id FROM workshops WHERE key='w01_domestic_work'");
    std::int64_t w01_room = id_of("SELECT room FROM workshops WHERE key='w01_domestic_work'");
    std::int64_t org1 = id_of("SELECT MIN(id) FROM organisations");
    std::int64_t net1 = id_of("SELECT MIN(id) FROM networks");
    // Dates that would otherwise be the time of seeding.
    db.exec("UPDATE declarations SET created_at='2026-12-04T12:00:00.000Z'");
    // Signatures on the workshop statement: an organisation, then a network; the list is open.
    db.prepare("INSERT INTO signature_lists(declaration, state, opened_at) VALUES(?, 'open', '2026-12-04T13:00:00Z')")
        .bind(1, statement).run();
    db.prepare("INSERT INTO signatures(declaration, signer_kind, signer, signed_by, seq, at) VALUES(?, 'organisation', ?, ?, 1, '2026-12-04T13:05:00Z')")
        .bind(1, statement).bind(2, org1).bind(3, rapporteur).run();
    db.prepare("INSERT INTO signatures(declaration, signer_kind, signer, signed_by, seq, at) VALUES(?, 'network', ?, ?, 2, '2026-12-04T13:06:00Z')")
        .bind(1, statement).bind(2, net1).bind(3, rapporteur).run();
    // A published secret poll adopting the statement, and a published named poll on the final
    // declaration (who voted what is public there).
    db.prepare("INSERT INTO polls(forum, room, subject, ref, title, settings, state, result) VALUES(?,?,?,?,?,?,?,?)")
        .bind(1, forum).bind(2, w01_room).bind(3, "declaration").bind(4, statement).bind(5, "Adoption of the workshop statement")
        .bind(6, R"({"method":"yes_no_abstain","secret":true})").bind(7, "published")
        .bind(8, R"({"outcome":"adopted","passed":true,"ballots":14,"present":14,"entitled":20,"detail":{"counts":{"yes":12,"no":1,"abstain":1,"cast":14}}})")
        .run();
    json named = {{"outcome", "adopted"}, {"passed", true}, {"ballots", 2}, {"present", 2}, {"entitled", 60},
                  {"detail", {{"counts", {{"yes", 1}, {"no", 0}, {"abstain", 1}, {"cast", 2}}}}},
                  {"votes", {{{"unit", std::to_string(dewi)}, {"voter", dewi}, {"cast_by", dewi}, {"weight", 1}, {"choice", "yes"}},
                             {{"unit", std::to_string(organiser)}, {"voter", organiser}, {"cast_by", organiser}, {"weight", 1}, {"choice", "abstain"}}}}};
    db.prepare("INSERT INTO polls(forum, room, subject, ref, title, settings, state, result) VALUES(?,?,?,?,?,?,?,?)")
        .bind(1, forum).bind(2, plenary_room).bind(3, "declaration").bind(4, final_decl).bind(5, "Indicative vote on the draft")
        .bind(6, R"({"method":"yes_no_abstain","secret":false})").bind(7, "published").bind(8, named.dump()).run();
    // Two speeches in workshop w01 and one in the plenary.
    auto speech = [&](std::int64_t room, std::optional<std::int64_t> ws, std::int64_t who, std::int64_t start, std::int64_t secs) {
      db.prepare("INSERT INTO speeches(forum, room, workshop, delegate, organisation, gender, constituency, first_time, "
                 "point_of_order, started, ended, time_limit) VALUES(?,?,?,?,'', 'woman', 'migrant_association', 1, 0, ?, ?, 180)")
          .bind(1, forum).bind(2, room).bind(3, ws).bind(4, who).bind(5, start).bind(6, start + secs).run();
    };
    speech(w01_room, w01, dewi, 1796112000, 125);
    speech(w01_room, w01, rapporteur, 1796112200, 61);
    speech(plenary_room, std::nullopt, organiser, 1796198400, 240);
  }
  ~Seeded() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  publish::Declaration load(std::int64_t id) {
    store::Db db(db_path, store::Db::Mode::ReadOnly);
    return publish_shell::load_declaration(db, id, kGenerated);
  }
  publish::ForumRecord record() {
    store::Db db(db_path, store::Db::Mode::ReadOnly);
    return publish_shell::load_record(db, forum, kGenerated);
  }
};

Seeded& seeded() {
  static Seeded s;
  return s;
}

publish::Options options(const publish::Declaration& d, const std::string& lang, bool history, bool annexes) {
  publish::Options o;
  if (lang == "all") {
    o.langs.push_back(d.original);
    for (auto& l : d.languages)
      if (l != d.original) o.langs.push_back(l);
  } else {
    o.langs.push_back(lang);
  }
  o.history = history;
  if (annexes) o.annexes = {true, true, true};
  return o;
}

std::string pdf_text(const std::string& pdf, const std::string& name) {
  auto in = seeded().dir / (name + ".pdf"), out = seeded().dir / (name + ".txt");
  write(in, pdf);
  EXPECT_EQ(run("pdftotext -enc UTF-8 '" + in.string() + "' '" + out.string() + "'"), 0) << "pdftotext (poppler-utils) failed";
  return read(out);
}

std::string office_text(const std::string& bytes, const std::string& ext, const std::string& name) {
  auto in = seeded().dir / (name + "." + ext), out = seeded().dir / (name + "." + ext + ".txt");
  write(in, bytes);
  EXPECT_EQ(run("pandoc -f " + ext + " -t plain --wrap=none -o '" + out.string() + "' '" + in.string() + "'"), 0);
  return read(out);
}

bool validates(const std::string& xml, const std::string& name) {
  auto xsd = fs::path(PLENARY_SOURCE_DIR) / "../shared/schemas/akn/akomantoso30.xsd";
  if (!fs::exists(xsd)) {
    ADD_FAILURE() << "the Akoma Ntoso schema is missing: expected " << xsd << " (../shared beside the project)";
    return false;
  }
  auto file = seeded().dir / name;
  write(file, xml);
  auto log = seeded().dir / (name + ".log");
  int rc = run("xmllint --noout --schema '" + xsd.string() + "' '" + file.string() + "' 2>'" + log.string() + "'");
  if (rc != 0) ADD_FAILURE() << "xmllint rejects " << name << ":\n" << read(log).substr(0, 2000);
  return rc == 0;
}

std::string body(std::int64_t id, const std::string& lang, Format f, bool history = false, bool annexes = false) {
  auto d = seeded().load(id);
  return publish_shell::export_declaration(d, options(d, lang, history, annexes), f, lang).body;
}

}  // namespace

TEST(ExportGolden, FinalDeclarationMarkdownHtmlAknJson) {
  auto id = seeded().final_decl;
  golden("final_en.md", body(id, "en", Format::md));
  golden("final_all_history_annexes.html", body(id, "all", Format::html, true, true));
  auto akn = body(id, "es", Format::akn);
  golden("final_es.akn.xml", akn);
  EXPECT_TRUE(validates(akn, "final_es.akn.xml"));
  golden("final_fr.json", body(id, "fr", Format::json));
}

TEST(ExportGolden, StatementInFiveLanguages) {
  auto id = seeded().statement;
  golden("statement_all_annexes.md", body(id, "all", Format::md, true, true));
  golden("statement_ar.html", body(id, "ar", Format::html));
  golden("statement_all.html", body(id, "all", Format::html));
  auto akn = body(id, "all", Format::akn, false, true);
  golden("statement_all.akn.xml", akn);
  EXPECT_TRUE(validates(akn, "statement_all.akn.xml"));
  golden("statement_all_annexes.json", body(id, "all", Format::json, true, true));
}

TEST(ExportGolden, PdfCarriesEveryScript) {
  auto id = seeded().statement;
  auto pdf = body(id, "all", Format::pdf, false, true);
  ASSERT_EQ(pdf.rfind("%PDF-", 0), 0u);
  auto text = pdf_text(pdf, "statement_all");
  golden("statement_all.pdf.txt", text);
  std::string flat = strip_layout(text);
  for (const char* sentence : {
           "Ningún empleador podrá retener el pasaporte ni los documentos de identidad de una trabajadora.",
           "يجب على جميع الدول التصديق على اتفاقية منظمة العمل الدولية رقم 189 بشأن العمال المنزليين وتطبيقها.",
           "कोई भी नियोक्ता किसी कामगार का पासपोर्ट या पहचान दस्तावेज़ अपने पास नहीं रख सकता।",
           "任何雇主都不得扣留工人的护照或身份证件。",
           "No employer may keep a worker's passport or identity documents."})
    EXPECT_NE(flat.find(strip_layout(sentence)), std::string::npos) << "missing from the PDF text: " << sentence << "\n" << text;
  // The secret poll appears by its totals.
  EXPECT_NE(flat.find(strip_layout("yes 12 · no 1 · abstain 1")), std::string::npos);
}

TEST(ExportGolden, DocxAndOdtOpenAndCarryTheText) {
  auto id = seeded().statement;
  for (auto [f, ext] : {std::pair{Format::docx, "docx"}, std::pair{Format::odt, "odt"}}) {
    auto bytes = body(id, "all", f);
    ASSERT_EQ(bytes.rfind("PK", 0), 0u) << ext << " is not a zip container";
    auto text = office_text(bytes, ext, "statement_all");
    golden(std::string("statement_all.") + ext + ".txt", text);
    std::string flat = squash(text);
    for (const char* sentence : {"All States must ratify and implement ILO Convention 189 on domestic workers.",
                                 "للعاملات المنزليات الحق في يوم راحة أسبوعي وأجر عادل وفي التنظيم في نقابات.",
                                 "家政工人有权享有每周休息日、公平工资，并有权组织工会。"})
      EXPECT_NE(flat.find(squash(sentence)), std::string::npos) << ext << " lacks: " << sentence;
  }
  // The Arabic paragraphs are right-to-left in Word.
  auto docx = body(id, "ar", Format::docx);
  auto file = seeded().dir / "statement_ar.docx";
  write(file, docx);
  auto xml = seeded().dir / "statement_ar.document.xml";
  ASSERT_EQ(run("unzip -p '" + file.string() + "' word/document.xml > '" + xml.string() + "'"), 0);
  EXPECT_NE(read(xml).find("<w:bidi"), std::string::npos) << "no right-to-left paragraph in the Arabic DOCX";
}

TEST(ExportGolden, RecordOfTheForum) {
  auto r = seeded().record();
  auto html = publish_shell::export_record(r, Format::html);
  EXPECT_EQ(html.file_name, "wsfm_record.html");
  golden("record.html", html.body);
  auto pdf = publish_shell::export_record(r, Format::pdf);
  golden("record.pdf.txt", pdf_text(pdf.body, "record"));
  std::string flat = squash(html.body);
  EXPECT_NE(flat.find("Marites Villanueva"), std::string::npos);
  EXPECT_NE(flat.find("Indicative vote on the draft"), std::string::npos);
}
