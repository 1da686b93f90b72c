// The Hub's bridge to machine pre-translation (Apertium pipelines in translate/).
// Invariant: translate_text is called only on the worker pool, never on the Hub's strand.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace plenary::translate { class Translator; }

namespace plenary::app {

std::unique_ptr<translate::Translator> make_translator();
// {"text": ..., "unknown": [...]} or {"code": "translation_unavailable", "message": ...}
nlohmann::json translate_text(translate::Translator* t, const std::string& text, const std::string& from,
                              const std::string& to);

}  // namespace plenary::app
