// Translator against the real Apertium pairs installed on the machine (apertium-eng-spa,
// apertium-fr-es, apertium-es-pt in /usr/share/apertium/modes). Expected words were checked
// against what these packages produce.
#include "translate/apertium.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <latch>
#include <thread>

using namespace plenary::translate;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// One Translator for the whole suite: starting pipelines is the slow part.
class ApertiumTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { translator_ = new Translator(Options{}); }
  static void TearDownTestSuite() {
    delete translator_;
    translator_ = nullptr;
  }
  void SetUp() override {
    for (const char* mode : {"eng-spa", "spa-eng", "es-fr", "fr-es", "es-pt", "pt-es"}) {
      ASSERT_TRUE(std::filesystem::exists(std::string("/usr/share/apertium/modes/") + mode + ".mode"))
          << "Apertium mode " << mode
          << " is missing: install apertium apertium-eng-spa apertium-fr-es apertium-es-pt";
    }
  }
  Translator& t() { return *translator_; }
  static Translator* translator_;
};
Translator* ApertiumTest::translator_ = nullptr;

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> lines;
  std::size_t from = 0;
  for (std::size_t nl; (nl = s.find('\n', from)) != std::string::npos; from = nl + 1) {
    lines.push_back(s.substr(from, nl - from));
  }
  lines.push_back(s.substr(from));
  return lines;
}

bool process_gone(int pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

TEST_F(ApertiumTest, DiscoversInstalledPairsAndPivots) {
  EXPECT_TRUE(t().available("en", "es"));
  EXPECT_TRUE(t().available("es", "fr"));
  EXPECT_TRUE(t().available("en", "fr"));  // eng-spa + es-fr
  EXPECT_TRUE(t().available("fr", "pt"));  // fr-es + es-pt
  EXPECT_TRUE(t().available("pt", "en"));  // pt-es + spa-eng
  EXPECT_TRUE(t().available("ar", "ar"));  // same language needs no pair
  EXPECT_FALSE(t().available("en", "ar"));
  EXPECT_FALSE(t().available("english", "es"));
  EXPECT_EQ(t().route("en", "es"), std::vector<std::string>{"eng-spa"});
  EXPECT_EQ(t().route("en", "fr"), (std::vector<std::string>{"eng-spa", "es-fr"}));
  EXPECT_EQ(t().route("fr", "pt"), (std::vector<std::string>{"fr-es", "es-pt"}));
  EXPECT_EQ(t().route("pt", "en"), (std::vector<std::string>{"pt-es", "spa-eng"}));
  const auto pairs = t().pairs();
  for (const auto& p : {std::pair<std::string, std::string>{"en", "es"}, {"es", "en"}, {"en", "fr"},
                        {"fr", "en"}, {"en", "pt"}, {"pt", "fr"}}) {
    EXPECT_NE(std::find(pairs.begin(), pairs.end(), p), pairs.end()) << p.first << "→" << p.second;
  }
  EXPECT_TRUE(std::is_sorted(pairs.begin(), pairs.end()));
}

TEST_F(ApertiumTest, EnglishToSpanish) {
  const auto r = t().translate("The workers of the world.", "en", "es");
  EXPECT_EQ(r.text, "Los trabajadores del mundo.");
  EXPECT_EQ(r.route, std::vector<std::string>{"eng-spa"});
  EXPECT_TRUE(r.unknown.empty());
}

TEST_F(ApertiumTest, SpanishToFrenchDirect) {
  const auto r = t().translate("Los 17 trabajadores firman la declaración.", "es", "fr");
  EXPECT_EQ(r.route, std::vector<std::string>{"es-fr"});
  EXPECT_TRUE(contains(r.text, "travailleurs")) << r.text;
  EXPECT_TRUE(contains(r.text, "signent")) << r.text;
  EXPECT_TRUE(contains(r.text, "déclaration")) << r.text;
}

TEST_F(ApertiumTest, EnglishToFrenchThroughSpanish) {
  const auto r = t().translate("The workers have the right to organise.", "en", "fr");
  EXPECT_EQ(r.route, (std::vector<std::string>{"eng-spa", "es-fr"}));
  EXPECT_TRUE(contains(r.text, "Les travailleurs ont")) << r.text;
  EXPECT_FALSE(contains(r.text, "trabajadores")) << r.text;  // really went through es→fr
}

TEST_F(ApertiumTest, OtherPivots) {
  const auto fr_pt = t().translate("Les travailleurs migrants ont des droits.", "fr", "pt");
  EXPECT_TRUE(contains(fr_pt.text, "trabalhadores")) << fr_pt.text;
  EXPECT_TRUE(contains(fr_pt.text, "direitos")) << fr_pt.text;
  const auto pt_en = t().translate("Os trabalhadores têm direitos.", "pt", "en");
  EXPECT_TRUE(contains(pt_en.text, "workers")) << pt_en.text;
}

TEST_F(ApertiumTest, UnknownWordKeepsItsMark) {
  const auto r = t().translate("The Zorblax is here.", "en", "es");
  EXPECT_EQ(r.text, "El *Zorblax es aquí.");
  EXPECT_EQ(r.unknown, std::vector<std::string>{"Zorblax"});
  EXPECT_EQ(unknown_words(r.text), std::vector<std::string>{"Zorblax"});

  // Through a pivot the word is marked once, and the sentence around it stays intact.
  const auto fr = t().translate("The Zorblax is here.", "en", "fr");
  EXPECT_EQ(fr.text, "Le *Zorblax est ici.");
  EXPECT_EQ(fr.unknown, std::vector<std::string>{"Zorblax"});
}

TEST_F(ApertiumTest, LinesAndParagraphsSurvive) {
  const std::string text =
      "Preamble\n"
      "The workers of the world.\n"
      "\n"
      "  Article 1: decent work\n"
      "\tArticle 2: health\r\n"
      "\n\n"
      "End.\n";
  // Apertium 3.8 with apertium-eng-spa gives exactly this ("Prenda" is its word for Article).
  const auto r = t().translate(text, "en", "es");
  EXPECT_EQ(r.text,
            "Preámbulo\n"
            "Los trabajadores del mundo.\n"
            "\n"
            "  Prenda 1: obra decente\n"
            "\tPrenda 2: salud\r\n"
            "\n\n"
            "Fin.\n");
  // Through a pivot: the same lines, each with its leading blanks and its \r.
  const auto fr = t().translate(text, "en", "fr");
  const auto lines = split_lines(fr.text);
  const auto original = split_lines(text);
  ASSERT_EQ(lines.size(), original.size()) << fr.text;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& a = original[i];
    const auto& b = lines[i];
    EXPECT_EQ(a.empty(), b.empty()) << "line " << i << ": " << b;
    EXPECT_EQ(a.substr(0, a.find_first_not_of(" \t")), b.substr(0, b.find_first_not_of(" \t")))
        << "line " << i << ": " << b;
    EXPECT_EQ(!a.empty() && a.back() == '\r', !b.empty() && b.back() == '\r') << "line " << i;
  }
  EXPECT_TRUE(contains(fr.text, "travailleurs")) << fr.text;
}

TEST_F(ApertiumTest, StreamSpecialCharactersSurvive) {
  const std::string text =
      "Article [3] costs $5 / 10% <note> {ref} a\\b x^2 info@example.org *important* #1 ~ok [] ^$";
  const auto r = t().translate(text, "en", "es");
  for (const char* kept : {"[3]", "$5 / 10%", "<", ">", "{", "}", "\\", "^2", "@example.org",
                           "*importante*", "#1", "~", "[] ^$"}) {
    EXPECT_TRUE(contains(r.text, kept)) << kept << " lost in: " << r.text;
  }
  for (char c : std::string("[]^$\\/<>{}@#~")) {
    EXPECT_EQ(std::count(r.text.begin(), r.text.end(), c), std::count(text.begin(), text.end(), c))
        << "count of '" << c << "' in: " << r.text;
  }
  // The typed stars around "important" are not reported as marks; Apertium's are.
  EXPECT_EQ(std::count(r.unknown.begin(), r.unknown.end(), "importante"), 0);
}

TEST_F(ApertiumTest, MissingPairIsAClearErrorAndLeavesTheTranslatorUsable) {
  try {
    t().translate("The workers of the world.", "en", "ar");
    FAIL() << "expected TranslateError";
  } catch (const TranslateError& e) {
    EXPECT_EQ(e.failure(), Failure::no_pair);
    EXPECT_EQ(e.code(), "translation_unavailable");
    const std::string what = e.what();
    EXPECT_TRUE(contains(what, "no Apertium pair installed for en→ar")) << what;
    EXPECT_TRUE(contains(what, "es→ar missing")) << what;
  }
  try {
    t().translate("x", "en", "english");
    FAIL() << "expected TranslateError";
  } catch (const TranslateError& e) {
    EXPECT_EQ(e.failure(), Failure::no_pair);
  }
  EXPECT_EQ(t().translate("The workers of the world.", "en", "es").text, "Los trabajadores del mundo.");
}

TEST_F(ApertiumTest, SameLanguageAndBlankTextNeedNoPipeline) {
  const std::string text = "Anything *at all* [x]\n";
  const auto r = t().translate(text, "ar", "ar");
  EXPECT_EQ(r.text, text);
  EXPECT_TRUE(r.route.empty());
  EXPECT_EQ(t().translate(" \n\n\t", "en", "es").text, " \n\n\t");
  EXPECT_THROW(t().translate("\xC3\x28", "en", "es"), TranslateError);  // invalid UTF-8
}

TEST_F(ApertiumTest, SequentialRequestsReuseOneProcess) {
  t().warm_up("en", "es");
  const auto pids = t().pipeline_pids("en", "es");
  const auto starts = t().pipeline_starts("en", "es");
  ASSERT_GT(pids.size(), 5u);  // lt-proc | apertium-tagger | ... one pid per stage
  for (int i = 0; i < 40; ++i) {
    const auto r = t().translate("I have " + std::to_string(1000 + i) + " houses.", "en", "es");
    ASSERT_TRUE(contains(r.text, "Tengo " + std::to_string(1000 + i) + " casas.")) << r.text;
  }
  EXPECT_EQ(t().pipeline_pids("en", "es"), pids);
  EXPECT_EQ(t().pipeline_starts("en", "es"), starts);
}

TEST_F(ApertiumTest, ConcurrentRequestsOnTwoPairs) {
  t().warm_up("en", "es");
  t().warm_up("es", "fr");
  const auto en_es = t().pipeline_pids("en", "es");
  const auto es_fr = t().pipeline_pids("es", "fr");
  constexpr int kThreads = 4;
  constexpr int kEach = 12;
  std::latch go(kThreads);
  std::vector<std::string> failures[kThreads];
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      go.arrive_and_wait();
      for (int i = 0; i < kEach; ++i) {
        const std::string n = std::to_string(100 * (th + 1) + i);  // unique per request
        try {
          if (th % 2 == 0) {
            const auto r = t().translate("I have " + n + " houses.", "en", "es");
            if (!contains(r.text, "Tengo " + n + " casas.")) failures[th].push_back(r.text);
          } else {
            const auto r = t().translate("Tengo " + n + " casas.", "es", "fr");
            if (!contains(r.text, "J'ai " + n + " maisons.")) failures[th].push_back(r.text);
          }
        } catch (const std::exception& e) {
          failures[th].push_back(e.what());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int th = 0; th < kThreads; ++th) {
    EXPECT_TRUE(failures[th].empty()) << "thread " << th << ": " << failures[th].front();
  }
  EXPECT_EQ(t().pipeline_pids("en", "es"), en_es);  // still the same processes
  EXPECT_EQ(t().pipeline_pids("es", "fr"), es_fr);
}

TEST_F(ApertiumTest, KilledPipelineIsRestartedOnTheNextRequest) {
  t().warm_up("en", "es");
  const auto before = t().pipeline_pids("en", "es");
  const auto starts = t().pipeline_starts("en", "es");
  ASSERT_FALSE(before.empty());
  ASSERT_EQ(::kill(before.front(), SIGKILL), 0);  // the first stage, lt-proc

  const auto r = t().translate("The workers of the world.", "en", "es");
  EXPECT_EQ(r.text, "Los trabajadores del mundo.");
  const auto after = t().pipeline_pids("en", "es");
  EXPECT_EQ(t().pipeline_starts("en", "es"), starts + 1);
  ASSERT_EQ(after.size(), before.size());
  for (int pid : before) {
    EXPECT_EQ(std::count(after.begin(), after.end(), pid), 0);
    EXPECT_TRUE(process_gone(pid)) << "stage " << pid << " of the old pipeline was not reaped";
  }

  // A stage in the middle (the tagger) killed: the same.
  ASSERT_EQ(::kill(after[1], SIGKILL), 0);
  EXPECT_EQ(t().translate("The workers of the world.", "en", "es").text, "Los trabajadores del mundo.");
  EXPECT_EQ(t().pipeline_starts("en", "es"), starts + 2);
}

TEST(ApertiumLifetime, DestructorReapsEveryStage) {
  std::vector<int> pids;
  {
    Translator t;
    EXPECT_EQ(t.translate("Good morning.", "en", "es").text, "Buenos días.");
    pids = t.pipeline_pids("en", "es");
    ASSERT_FALSE(pids.empty());
  }
  for (int pid : pids) EXPECT_TRUE(process_gone(pid)) << pid;
}
