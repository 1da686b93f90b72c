// Precompressed static files: when gzip is accepted, and which file is sent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "net/static_files.hpp"

using namespace plenary;
namespace fs = std::filesystem;

TEST(StaticGzip, AcceptEncodingIsParsedByCoding) {
  EXPECT_TRUE(net::accepts_gzip("gzip"));
  EXPECT_TRUE(net::accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(net::accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(net::accepts_gzip(" deflate , gzip "));
  EXPECT_FALSE(net::accepts_gzip(""));
  EXPECT_FALSE(net::accepts_gzip("identity"));
  EXPECT_FALSE(net::accepts_gzip("br, deflate"));
  EXPECT_FALSE(net::accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(net::accepts_gzip("gzip; q=0.000"));
  EXPECT_FALSE(net::accepts_gzip("x-gzip2"));
}

TEST(StaticGzip, SiblingOnlyWhenAcceptedAndPresent) {
  auto dir = fs::temp_directory_path() / ("plenary-gz-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "main.js") << "console.log(1)";
  std::ofstream(dir / "main.js.gz") << "gz";
  std::ofstream(dir / "plain.js") << "1";
  auto js = (dir / "main.js").string();
  EXPECT_EQ(net::gzip_sibling(js, "gzip, br").value_or(""), js + ".gz");
  EXPECT_FALSE(net::gzip_sibling(js, "br").has_value());
  EXPECT_FALSE(net::gzip_sibling((dir / "plain.js").string(), "gzip").has_value());
  EXPECT_EQ(net::cache_control("/chunks/vote-T2VK2Z4U.js"), "public, max-age=31536000, immutable");
  EXPECT_EQ(net::cache_control("/main.js"), "no-cache");
  fs::remove_all(dir);
}
