// Language codes, .mode parsing and discovery of installed directions.
#include "translate/modes.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

using namespace plenary::translate;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "plenary-modes-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
  }
};

using Stages = std::vector<std::vector<std::string>>;

}  // namespace

TEST(Languages, MapsApertiumCodesToPlenaryCodes) {
  EXPECT_EQ(plenary_language("eng"), "en");
  EXPECT_EQ(plenary_language("spa"), "es");
  EXPECT_EQ(plenary_language("FR"), "fr");
  EXPECT_EQ(plenary_language("ast"), "ast");  // no ISO 639-1 code: kept
  EXPECT_FALSE(plenary_language("pt_BR"));
  EXPECT_FALSE(plenary_language("e"));
  EXPECT_FALSE(plenary_language("english"));
  EXPECT_EQ(apertium3_language("en"), "eng");
  EXPECT_EQ(apertium3_language("ast"), "ast");
}

TEST(ModeFile, InsertsNullFlushAndExpandsArguments) {
  const auto stages = parse_mode_pipeline(
      "lt-proc '/usr/share/x y/a.bin' | apertium-tagger -g $2 '/p.prob' | lt-proc $1 \"/g $1.bin\" | "
      "lt-proc -p /pg.bin\n",
      "-g");
  EXPECT_EQ(stages, (Stages{{"lt-proc", "-z", "/usr/share/x y/a.bin"},
                            {"apertium-tagger", "-z", "-g", "/p.prob"},
                            {"lt-proc", "-z", "-g", "/g -g.bin"},
                            {"lt-proc", "-z", "-p", "/pg.bin"}}));
  // $1 with an empty flag leaves no argument behind; '' is an (empty) argument.
  EXPECT_EQ(parse_mode_pipeline("sed -u ''|a $1 b", ""), (Stages{{"sed", "-z", "-u", ""}, {"a", "-z", "b"}}));
}

TEST(ModeFile, RefusesShellSyntaxItCannotRunWithoutAShell) {
  for (const char* bad : {"lt-proc a > out", "a; b", "a && b", "a | | b", "a |", "", "a $(b)",
                          "a `b`", "a 'unclosed", "a $3", "a *.bin"}) {
    EXPECT_THROW(parse_mode_pipeline(bad, "-g"), std::invalid_argument) << bad;
  }
}

TEST(Discovery, ReadsModeFilesAndSkipsVariants) {
  TempDir dir;
  dir.write("eng-spa.mode", "lt-proc /a.bin | lt-proc $1 /b.bin\n");
  dir.write("es-fr.mode", "lt-proc /c.bin\n");
  dir.write("en-es.mode", "lt-proc /dup.bin\n");       // same direction as eng-spa: first file wins
  dir.write("spa-eng_US.mode", "lt-proc /v.bin\n");    // variant
  dir.write("eco-es-fr.mode", "lt-proc /e.bin\n");     // not <lang>-<lang>
  dir.write("xx-yy.mode", "lt-proc /x.bin > /tmp/out\n");  // unsupported syntax
  dir.write("README", "not a mode");
  const auto found = discover_modes(dir.path, "-n");
  ASSERT_EQ(found.modes.size(), 2u);
  const Mode& en_es = found.modes.at({"en", "es"});
  EXPECT_EQ(en_es.name, "en-es");  // "en-es.mode" sorts before "eng-spa.mode"
  EXPECT_EQ(found.modes.at({"es", "fr"}).stages, (Stages{{"lt-proc", "-z", "/c.bin"}}));
  EXPECT_EQ(found.problems.size(), 4u);  // eng-spa (duplicate), variant, eco-, xx-yy
  bool mentions_redirect = false;
  for (const auto& p : found.problems) mentions_redirect |= p.find("xx-yy.mode") != std::string::npos;
  EXPECT_TRUE(mentions_redirect);
}

TEST(Discovery, MissingDirectoryIsAProblemNotACrash) {
  const auto found = discover_modes("/nonexistent/plenary/modes", "-g");
  EXPECT_TRUE(found.modes.empty());
  ASSERT_EQ(found.problems.size(), 1u);
  EXPECT_NE(found.problems[0].find("/nonexistent/plenary/modes"), std::string::npos);
}
