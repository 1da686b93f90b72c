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
  if (path.find("/assets/") != std::string_view::npos) return "public, max-age=31536000, immutable";
  return "no-cache";
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
