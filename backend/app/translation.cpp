#include "app/translation.hpp"

#include "translate/apertium.hpp"

namespace plenary::app {

std::unique_ptr<translate::Translator> make_translator() {
  return std::make_unique<translate::Translator>(translate::Options{});
}

nlohmann::json translate_text(translate::Translator* t, const std::string& text, const std::string& from,
                              const std::string& to) {
  if (!t) return {{"code", "translation_unavailable"}, {"message", "machine translation is not configured"}};
  try {
    auto r = t->translate(text, from, to);
    return {{"text", r.text}, {"unknown", r.unknown}, {"route", r.route}};
  } catch (const translate::TranslateError& e) {
    return {{"code", std::string(e.code())}, {"message", e.what()}};
  }
}

}  // namespace plenary::app
