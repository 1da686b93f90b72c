#include "net/static_files.hpp"

#include <filesystem>

namespace plenary::net {

namespace fs = std::filesystem;

std::string_view mime_type(std::string_view path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json; charset=utf-8";
  if (ends(".webmanifest")) return "application/manifest+json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::string_view cache_control(std::string_view path) {
  // esbuild names lazy chunks by their content hash: a changed chunk has a new name.
  if (path.find("/assets/") != std::string_view::npos || path.find("/chunks/") != std::string_view::npos)
    return "public, max-age=31536000, immutable";
  return "no-cache";
}

bool accepts_gzip(std::string_view header) {
  // Comma-separated codings, each with optional parameters ("gzip;q=0.5", "*;q=0").
  std::size_t pos = 0;
  while (pos <= header.size()) {
    auto comma = header.find(',', pos);
    std::string_view item = header.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    pos = comma == std::string_view::npos ? header.size() + 1 : comma + 1;
    auto semi = item.find(';');
    std::string_view coding = item.substr(0, semi);
    std::string_view params = semi == std::string_view::npos ? std::string_view{} : item.substr(semi + 1);
    auto trim = [](std::string_view v) {
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      return v;
    };
    coding = trim(coding);
    if (coding.size() != 4) continue;
    bool gzip = true;
    for (std::size_t i = 0; i < 4; ++i)
      if ((coding[i] | 0x20) != "gzip"[i]) gzip = false;
    if (!gzip) continue;
    params = trim(params);
    if (params.size() >= 2 && (params[0] == 'q' || params[0] == 'Q') && params[1] == '=') {
      std::string_view q = trim(params.substr(2));
      bool zero = !q.empty();
      for (char ch : q)
        if (ch != '0' && ch != '.') zero = false;
      if (zero) return false;
    }
    return true;
  }
  return false;
}

std::optional<std::string> gzip_sibling(const std::string& path, std::string_view accept_encoding) {
  if (!accepts_gzip(accept_encoding)) return std::nullopt;
  std::string gz = path + ".gz";
  std::error_code ec;
  if (!fs::is_regular_file(gz, ec)) return std::nullopt;
  return gz;
}

std::optional<std::string> resolve_static(const std::string& root, std::string_view target) {
  auto q = target.find_first_of("?#");
  std::string_view p = target.substr(0, q);
  if (p.empty() || p[0] != '/') return std::nullopt;
  if (p.find("..") != std::string_view::npos || p.find('\0') != std::string_view::npos ||
      p.find('\\') != std::string_view::npos)
    return std::nullopt;
  std::string rel(p.substr(1));
  if (rel.empty() || rel.back() == '/') rel += "index.html";
  fs::path full = fs::path(root) / rel;
  std::error_code ec;
  if (!fs::is_regular_file(full, ec)) return std::nullopt;
  return full.string();
}

}  // namespace plenary::net
