// Serving the browser client's files from one folder.
// Invariant: a request path never escapes the folder (no "..", no absolute paths, no NULs).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace plenary::net {

std::string_view mime_type(std::string_view path);
// The file under root for a URL path ("/" → index.html), or nullopt when unsafe or missing.
std::optional<std::string> resolve_static(const std::string& root, std::string_view target);
// Cache-Control for a served file: hashed bundles are immutable, the shell revalidates.
std::string_view cache_control(std::string_view path);
// The precompressed sibling (path + ".gz", written by the web build) to send instead of
// `path` when the request's Accept-Encoding allows gzip; nullopt to send `path` itself.
std::optional<std::string> gzip_sibling(const std::string& path, std::string_view accept_encoding);
// Whether an Accept-Encoding header value accepts gzip (a q=0 refuses it).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace plenary::net
