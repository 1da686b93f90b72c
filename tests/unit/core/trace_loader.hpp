// Loads the real editing traces in ../shared/traces (test and bench helper, header-only).
//
// A trace is gzipped JSON {startContent, endContent, txns: [{time, patches: [[pos, del, ins]]}]}
// with positions in code points; replaying every patch in order on startContent must give
// endContent. Decompression runs `gzip -dc` through popen so no zlib dependency is needed.
// Every failure (missing file, gzip error, malformed or unexpected JSON) throws
// std::runtime_error naming the file.
#pragma once

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plenary::test {

struct TracePatch {
  std::size_t pos = 0;
  std::size_t del = 0;
  std::string ins;
};

struct Trace {
  std::string start;
  std::string end;
  std::vector<TracePatch> patches;  // all patches of all txns, in order
};

// Absolute path of a file in the shared trace folder, e.g. trace_path("seph-blog1.json.gz").
inline std::string trace_path(const std::string& name) {
  return std::string(PLENARY_SOURCE_DIR) + "/../shared/traces/" + name;
}

// The decompressed bytes of a gzip file.
inline std::string gunzip_file(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) {
    throw std::runtime_error("trace file missing: " + path);
  }
  std::string quoted = "'";
  for (char c : path) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += "'";
  const std::string cmd = "gzip -dc " + quoted;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run gzip for " + path);
  std::string out;
  char buf[1 << 16];
  std::size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, got);
  const int status = ::pclose(pipe);
  if (status != 0) throw std::runtime_error("gzip -dc failed for " + path);
  return out;
}

// A small strict JSON reader for the trace shape. (nlohmann::json would do, but building its
// DOM for a 16 MB trace takes ~10 s in an unoptimized test build; this takes well under 1 s.)
class TraceReader {
 public:
  TraceReader(std::string_view json, std::string name) : s_(json), name_(std::move(name)) {}

  Trace read() {
    Trace t;
    object([&](const std::string& key) {
      if (key == "startContent") {
        t.start = string();
      } else if (key == "endContent") {
        t.end = string();
      } else if (key == "txns") {
        array([&] {
          object([&](const std::string& k) {
            if (k != "patches") return skip_value();
            array([&] {
              expect('[');
              TracePatch p;
              p.pos = uint();
              expect(',');
              p.del = uint();
              expect(',');
              p.ins = string();
              expect(']');
              t.patches.push_back(std::move(p));
            });
          });
        });
      } else {
        skip_value();
      }
    });
    ws();
    if (i_ != s_.size()) fail("trailing data");
    return t;
  }

 private:
  [[noreturn]] void fail(const char* what) const {
    throw std::runtime_error("trace " + name_ + ": " + what + " at byte " + std::to_string(i_));
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool peek(char c) {
    ws();
    return i_ < s_.size() && s_[i_] == c;
  }
  void expect(char c) {
    if (!peek(c)) fail("unexpected character");
    ++i_;
  }
  template <class F>
  void object(F&& on_key) {
    expect('{');
    if (peek('}')) {
      ++i_;
      return;
    }
    for (;;) {
      const std::string key = string();
      expect(':');
      on_key(key);
      if (!peek(',')) break;
      ++i_;
    }
    expect('}');
  }
  template <class F>
  void array(F&& on_item) {
    expect('[');
    if (peek(']')) {
      ++i_;
      return;
    }
    for (;;) {
      on_item();
      if (!peek(',')) break;
      ++i_;
    }
    expect(']');
  }
  std::size_t uint() {
    ws();
    if (i_ >= s_.size() || s_[i_] < '0' || s_[i_] > '9') fail("expected a count");
    std::size_t v = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') v = v * 10 + static_cast<std::size_t>(s_[i_++] - '0');
    return v;
  }
  unsigned hex4() {
    if (i_ + 4 > s_.size()) fail("short \\u escape");
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
      else fail("bad \\u escape");
    }
    return v;
  }
  static void put_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      const std::size_t run = s_.find_first_of("\"\\", i_);
      if (run == std::string_view::npos) fail("unterminated string");
      out.append(s_.substr(i_, run - i_));
      i_ = run + 1;
      if (s_[run] == '"') return out;
      if (i_ >= s_.size()) fail("unterminated escape");
      const char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00) {  // high surrogate: a low one must follow
            if (i_ + 2 > s_.size() || s_[i_] != '\\' || s_[i_ + 1] != 'u') fail("lone surrogate");
            i_ += 2;
            const unsigned lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail("bad surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("lone surrogate");
          }
          put_utf8(out, cp);
          break;
        }
        default: fail("bad escape");
      }
    }
  }
  void skip_value() {
    ws();
    if (i_ >= s_.size()) fail("missing value");
    const char c = s_[i_];
    if (c == '"') {
      string();
    } else if (c == '{') {
      object([&](const std::string&) { skip_value(); });
    } else if (c == '[') {
      array([&] { skip_value(); });
    } else {
      while (i_ < s_.size() && std::string_view(",}] \n\r\t").find(s_[i_]) == std::string_view::npos) ++i_;
    }
  }

  std::string_view s_;
  std::string name_;
  std::size_t i_ = 0;
};

inline Trace load_trace(const std::string& path) {
  const std::string json = gunzip_file(path);
  return TraceReader(json, path).read();
}

}  // namespace plenary::test
