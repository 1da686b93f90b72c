// bench_export: exporting a 500-clause declaration in 5 languages (en original; es, ar, hi, zh)
// to every format. Builds a real SQLite database (/tmp/plenary-bench-export-*: forum,
// declaration, 20 sections, 500 clauses + 2 preamble paragraphs, one document per clause and
// language with a snapshot), then times, for each format with lang=all (and PDF for one
// language), loading the model from storage and rendering it, exactly as the HTTP route does.
// Prints the median wall time and CPU time (this process plus children, for pandoc) of --runs
// runs per format, and the output size.  Usage: bench_export [--clauses 500] [--runs 3]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "publish/export_loader.hpp"
#include "publish/exporter.hpp"
#include "store/db.hpp"
#include "store/migrations.hpp"

using namespace plenary;
using publish_shell::Format;
namespace fs = std::filesystem;

namespace {

const char* kText[] = {
    "Every migrant worker has the right to decent work, fair wages and safe conditions, whatever their status.",
    "Todo trabajador migrante tiene derecho a un trabajo decente, a un salario justo y a condiciones seguras, sea cual sea su situación.",
    "لكل عامل مهاجر الحق في العمل اللائق والأجر العادل وظروف العمل الآمنة، أيًا كان وضعه.",
    "हर प्रवासी कामगार को सम्मानजनक काम, उचित वेतन और सुरक्षित परिस्थितियों का अधिकार है, चाहे उसकी स्थिति कुछ भी हो।",
    "每一位移民工人，无论其身份如何，都有权获得体面劳动、公平工资和安全的工作条件。"};
const char* kLangs[] = {"en", "es", "ar", "hi", "zh"};

double cpu_seconds() {
  rusage self{}, kids{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &kids);
  auto s = [](const rusage& r) {
    return r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
  };
  return s(self) + s(kids);
}

std::int64_t build(store::Db& db, int clauses) {
  store::migrate(db);
  store::Tx tx(db);
  db.exec("INSERT INTO forums(key, name, languages) VALUES('bench', '{\"en\":\"Benchmark forum\"}', '[\"en\",\"es\",\"ar\",\"hi\",\"zh\"]')");
  std::int64_t forum = db.last_insert_id();
  db.prepare("INSERT INTO rooms(forum, kind, name) VALUES(?, 'plenary', 'Plenary')").bind(1, forum).run();
  db.prepare("INSERT INTO plenaries(forum, room) VALUES(?, ?)").bind(1, forum).bind(2, db.last_insert_id()).run();
  db.prepare("INSERT INTO declarations(forum, key, title, languages, original, phase) VALUES(?, 'big', ?, ?, 'en', 'published')")
      .bind(1, forum)
      .bind(2, R"({"en":"A long declaration","es":"Una declaración larga","ar":"إعلان طويل","hi":"एक लंबी घोषणा","zh":"一份长宣言"})")
      .bind(3, R"(["en","es","ar","hi","zh"])").run();
  std::int64_t decl = db.last_insert_id();
  std::vector<std::int64_t> sections;
  for (int s = 0; s < 20; ++s) {
    db.prepare("INSERT INTO sections(declaration, position, title) VALUES(?,?,?)")
        .bind(1, decl).bind(2, s + 1).bind(3, "{\"en\":\"Section " + std::to_string(s + 1) + "\"}").run();
    sections.push_back(db.last_insert_id());
  }
  for (int i = 0; i < clauses + 2; ++i) {
    bool preamble = i < 2;
    auto& c = db.prepare("INSERT INTO clauses(declaration, kind, section, position) VALUES(?,?,?,?)");
    c.bind(1, decl).bind(2, preamble ? "preamble" : "clause");
    if (preamble) c.bind_null(3);
    else c.bind(3, sections[static_cast<size_t>((i - 2) * 20 / clauses)]);
    c.bind(4, i + 1).run();
    std::int64_t clause = db.last_insert_id();
    for (int l = 0; l < 5; ++l) {
      db.prepare("INSERT INTO docs(clause, lang, status) VALUES(?,?,?)")
          .bind(1, clause).bind(2, kLangs[l]).bind(3, l == 0 ? "original" : (i % 7 == 0 ? "machine" : "current")).run();
      db.prepare("INSERT INTO doc_snapshots(doc, rev, text) VALUES(?, 0, ?)")
          .bind(1, db.last_insert_id()).bind(2, std::string(kText[l]) + " (" + std::to_string(i) + ")").run();
    }
  }
  tx.commit();
  return decl;
}

}  // namespace

int main(int argc, char** argv) {
  int clauses = 500, runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--clauses")) clauses = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--runs")) runs = std::max(1, std::atoi(argv[i + 1]));
  }
  fs::path dir = fs::temp_directory_path() / ("plenary-bench-export-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string path = (dir / "bench.db").string();
  std::int64_t decl;
  {
    store::Db db(path);
    decl = build(db, clauses);
  }
  struct Case { const char* name; Format f; bool all; };
  const Case cases[] = {{"md", Format::md, true},     {"html", Format::html, true}, {"akn", Format::akn, true},
                        {"json", Format::json, true}, {"pdf", Format::pdf, true},   {"pdf_en", Format::pdf, false},
                        {"docx", Format::docx, true}, {"odt", Format::odt, true}};
  nlohmann::json out = {{"clauses", clauses}, {"languages", 5}, {"runs", runs}};
  int status = 0;
  for (auto& c : cases) {
    std::vector<double> wall, cpu;
    std::size_t bytes = 0;
    for (int r = 0; r < runs; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      double c0 = cpu_seconds();
      try {
        store::Db db(path, store::Db::Mode::ReadOnly);
        auto d = publish_shell::load_declaration(db, decl, "2026-12-05");
        publish::Options o;
        o.langs = c.all ? d.languages : std::vector<std::string>{"en"};
        o.history = true;
        o.annexes = {true, true, true};
        bytes = publish_shell::export_declaration(d, o, c.f, c.all ? "all" : "en").body.size();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_export: %s failed: %s\n", c.name, e.what());
        status = 1;
        break;
      }
      wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      cpu.push_back(cpu_seconds() - c0);
    }
    if (wall.empty()) continue;
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    double w = wall[wall.size() / 2], u = cpu[cpu.size() / 2];
    std::printf("bench_export: %-7s median %.3f s wall, %.3f s CPU, %zu bytes\n", c.name, w, u, bytes);
    out[c.name] = {{"wall_s", w}, {"cpu_s", u}, {"bytes", bytes}};
  }
  // The model alone: loading from storage.
  {
    std::vector<double> wall;
    for (int r = 0; r < runs; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      store::Db db(path, store::Db::Mode::ReadOnly);
      auto d = publish_shell::load_declaration(db, decl, "2026-12-05");
      wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(wall.begin(), wall.end());
    std::printf("bench_export: load    median %.3f s wall (model from SQLite, included in every figure above)\n", wall[wall.size() / 2]);
    out["load"] = {{"wall_s", wall[wall.size() / 2]}};
  }
  std::printf("%s\n", out.dump().c_str());
  std::error_code ec;
  fs::remove_all(dir, ec);
  return status;
}
