// Converts an export's HTML into a word-processing file (DOCX or ODT) with Debian's pandoc,
// run as a child process without a shell (posix_spawn, fixed argument list), on files in a
// fresh private temporary folder, with a time limit.
// Invariants: never blocks longer than the limit (the child is killed and reaped); the
// temporary folder is removed on every path; pandoc's zip timestamps come from `date` through
// SOURCE_DATE_EPOCH, so equal input gives equal output.
#pragma once
#include <chrono>
#include <stdexcept>
#include <string>

namespace plenary::publish_shell {

// pandoc is not installed (no `pandoc` on PATH; PLENARY_PANDOC may name the binary).
class ConverterMissing : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// `to` is "docx" or "odt"; `date` YYYY-MM-DD. Throws ConverterMissing, or std::runtime_error
// when pandoc fails or runs past `limit`.
std::string html_to_office(const std::string& html, const std::string& to, const std::string& date,
                           std::chrono::milliseconds limit = std::chrono::seconds(60));

// The pandoc binary that would be used, or "" if there is none.
std::string pandoc_path();

}  // namespace plenary::publish_shell
