// Pipeline mechanics with stand-in "language pairs" made of ordinary programs, so failures can
// be produced on purpose: an identity stage, a stage that never answers, one that crashes on
// a given input, one whose program does not exist, and one that waits to be released.
#include "translate/apertium.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace plenary::translate;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class FakeModes : public ::testing::Test {
protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "plenary-fake-modes-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    // `cat`, ignoring the -z we add: streams its input straight back.
    script("identity", "#!/bin/sh\nexec cat\n");
    // Waits until the file "release" exists, then behaves like cat.
    script("gated", "#!/bin/sh\nwhile [ ! -e '" + (dir_ / "release").string() +
                        "' ]; do sleep 0.01; done\nexec cat\n");
    mode("id-ix", "'" + (dir_ / "identity").string() + "'");
    mode("id-iy", "'" + (dir_ / "identity").string() + "' | '" + (dir_ / "identity").string() + "'");
    mode("ha-hb", "tail -f /dev/null");                        // reads nothing, never answers
    mode("cr-cs", "sed -u '/CRASH/Q3'");                       // sed -z: dies on "CRASH"
    mode("mi-mj", "plenary-no-such-program-4711 '/x.bin'");    // not installed
    mode("ga-gb", "'" + (dir_ / "gated").string() + "'");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void script(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    fs::permissions(dir_ / name, fs::perms::owner_all);
  }
  void mode(const std::string& name, const std::string& pipeline) {
    std::ofstream(dir_ / (name + ".mode")) << pipeline << "\n";
  }
  Options options(std::chrono::milliseconds timeout = std::chrono::seconds(20)) const {
    Options o;
    o.modes_dir = dir_;
    o.pivot = "";
    o.timeout = timeout;
    return o;
  }
  fs::path dir_;
};

}  // namespace

TEST_F(FakeModes, IdentityPipelineReturnsTextExactly) {
  Translator t(options());
  const std::string text = "Line [1] ^x$ a\\b *c* #d ~e @f\n\n\ttab  two spaces\r\nend...";
  EXPECT_EQ(t.translate(text, "id", "ix").text, text);
  EXPECT_EQ(t.translate(text, "id", "iy").text, text);  // two stages
  EXPECT_TRUE(t.translate(text, "id", "ix").unknown.empty());
}

TEST_F(FakeModes, LargeTextDoesNotDeadlockOnFullPipes) {
  // cat answers while we are still writing: 4 MiB cannot sit in the pipe and socket buffers,
  // so this only finishes if writing and reading are interleaved.
  Translator t(options());
  std::string text;
  while (text.size() < (4u << 20)) text += "The workers [of] the world, unite!\n";
  const auto r = t.translate(text, "id", "iy");
  EXPECT_EQ(r.text.size(), text.size());
  EXPECT_TRUE(r.text == text);
}

TEST_F(FakeModes, NoAnswerIsATimeoutAndTheNextRequestStartsClean) {
  Translator t(options(std::chrono::milliseconds(300)));
  for (int i = 0; i < 2; ++i) {
    try {
      t.translate("hello", "ha", "hb");
      FAIL() << "expected a timeout";
    } catch (const TranslateError& e) {
      EXPECT_EQ(e.failure(), Failure::timeout);
      EXPECT_EQ(e.code(), "translation_unavailable");
      EXPECT_TRUE(contains(e.what(), "ha→hb")) << e.what();
    }
    EXPECT_TRUE(t.pipeline_pids("ha", "hb").empty());  // the stuck pipeline was stopped
  }
  EXPECT_EQ(t.pipeline_starts("ha", "hb"), 2u);
}

TEST_F(FakeModes, PipelineThatDiesTwiceIsAnErrorAndLaterRequestsWork) {
  Translator t(options());
  EXPECT_EQ(t.translate("hello", "cr", "cs").text, "hello");
  const auto starts = t.pipeline_starts("cr", "cs");
  try {
    t.translate("please CRASH now", "cr", "cs");
    FAIL() << "expected TranslateError";
  } catch (const TranslateError& e) {
    EXPECT_EQ(e.failure(), Failure::died);
    EXPECT_EQ(e.code(), "translation_unavailable");
    EXPECT_TRUE(contains(e.what(), "cr→cs")) << e.what();
    EXPECT_TRUE(contains(e.what(), "died twice")) << e.what();
    EXPECT_TRUE(contains(e.what(), "sed exited with status 3")) << e.what();
  }
  EXPECT_EQ(t.pipeline_starts("cr", "cs"), starts + 1);  // restarted once, then gave up
  EXPECT_EQ(t.translate("hello again", "cr", "cs").text, "hello again");
}

TEST_F(FakeModes, MissingProgramIsCannotStart) {
  Translator t(options());
  EXPECT_TRUE(t.available("mi", "mj"));  // the mode file is there; its program is not
  try {
    t.translate("hello", "mi", "mj");
    FAIL() << "expected TranslateError";
  } catch (const TranslateError& e) {
    EXPECT_EQ(e.failure(), Failure::cannot_start);
    EXPECT_EQ(e.code(), "translation_unavailable");
    EXPECT_TRUE(contains(e.what(), "plenary-no-such-program-4711")) << e.what();
  }
  EXPECT_EQ(t.translate("still fine", "id", "ix").text, "still fine");
}

TEST_F(FakeModes, BusyPipelineDoesNotBlockOtherPairs) {
  Translator t(options(std::chrono::seconds(60)));
  std::atomic<bool> gated_done{false};
  std::string gated_text;
  std::thread gated([&] {
    gated_text = t.translate("held back", "ga", "gb").text;
    gated_done = true;
  });
  // The gated request holds its pipeline's lock from before the pipeline starts until the
  // release file exists: once its pids show, it is inside. No sleeps decide anything here.
  while (t.pipeline_pids("ga", "gb").empty() && !gated_done) std::this_thread::yield();

  EXPECT_EQ(t.translate("other pair", "id", "ix").text, "other pair");
  EXPECT_FALSE(gated_done.load());  // cannot have finished: it has not been released

  std::ofstream(dir_ / "release") << "go";
  gated.join();
  EXPECT_EQ(gated_text, "held back");
}

TEST_F(FakeModes, PivotGoesThroughTheConfiguredLanguage) {
  mode("aa-pv", "sed -u s/one/uno/g");
  mode("pv-bb", "sed -u s/uno/un/g");
  Options o = options();
  o.pivot = "pv";
  Translator t(o);
  EXPECT_EQ(t.route("aa", "bb"), (std::vector<std::string>{"aa-pv", "pv-bb"}));
  EXPECT_EQ(t.translate("one and one", "aa", "bb").text, "un and un");
  EXPECT_FALSE(t.available("bb", "aa"));
}
