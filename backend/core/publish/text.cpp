#include "core/publish/text.hpp"

#include <array>
#include <cstdint>
#include <map>

namespace plenary::publish {

std::string clean_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const std::string repl = "\xEF\xBF\xBD";
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '\r') { ++i; continue; }
      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) out += repl;
      else out += static_cast<char>(c);
      ++i;
      continue;
    }
    int len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (c > 0xF4) len = 0;
    bool ok = len > 0 && i + static_cast<size_t>(len) <= s.size();
    std::uint32_t cp = 0;
    if (ok) {
      cp = len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
      for (int k = 1; k < len; ++k) {
        auto cc = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
        if ((cc & 0xC0) != 0x80) { ok = false; break; }
        cp = (cp << 6) | (cc & 0x3F);
      }
    }
    if (ok) {
      if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
          (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        ok = false;
    }
    if (!ok) {
      out += repl;
      ++i;
      continue;
    }
    out.append(s.substr(i, static_cast<size_t>(len)));
    i += static_cast<size_t>(len);
  }
  return out;
}

namespace {
std::string escape(std::string_view raw, bool apos) {
  std::string s = clean_utf8(raw), out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': if (apos) { out += "&#39;"; break; } [[fallthrough]];
      default: out += c;
    }
  }
  return out;
}
}  // namespace

std::string html_escape(std::string_view s) { return escape(s, true); }
std::string xml_escape(std::string_view s) { return escape(s, false); }

std::string md_escape(std::string_view raw) {
  std::string s = clean_utf8(raw), out;
  out.reserve(s.size() + 8);
  bool line_start = true;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (line_start) {
      // Leading spaces would make an indented code block: drop them.
      if (c == ' ' || c == '\t') continue;
      if (c == '#' || c == '>' || c == '-' || c == '+' || c == '=' || c == '|') {
        out += '\\';
        out += c;
        line_start = false;
        continue;
      } else if (c >= '0' && c <= '9') {
        size_t j = i;
        while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
        if (j < s.size() && (s[j] == '.' || s[j] == ')')) {
          out.append(s, i, j - i);
          out += '\\';
          i = j - 1;
          line_start = false;
          continue;
        }
      }
    }
    line_start = false;
    switch (c) {
      case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>':
      case '#': case '!': case '|': case '~': case '{': case '}':
        out += '\\';
        out += c;
        break;
      case '&': out += "&amp;"; break;
      case '\n': out += "  \n"; line_start = true; break;  // a hard line break
      default: out += c;
    }
  }
  return out;
}

bool is_rtl(std::string_view lang) {
  auto base = lang.substr(0, lang.find('-'));
  static constexpr std::array<std::string_view, 10> rtl = {"ar", "he", "fa", "ur", "ps", "sd", "yi", "dv", "ckb", "ug"};
  for (auto r : rtl)
    if (base == r) return true;
  return false;
}

std::string pick(const Localised& l, const std::string& lang, const std::string& fallback) {
  for (const auto* k : {&lang, &fallback}) {
    auto it = l.find(*k);
    if (it != l.end() && !it->second.empty()) return it->second;
  }
  if (auto it = l.find("en"); it != l.end() && !it->second.empty()) return it->second;
  for (auto& [k, v] : l)
    if (!v.empty()) return v;
  return "";
}

namespace {
using Table = std::map<std::string_view, std::map<std::string_view, std::string_view>>;
const Table& labels() {
  static const Table t = {
      {"preamble", {{"en", "Preamble"}, {"es", "Preámbulo"}, {"fr", "Préambule"}, {"pt", "Preâmbulo"},
                    {"ar", "الديباجة"}, {"hi", "प्रस्तावना"}, {"zh", "序言"}}},
      {"clause", {{"en", "Clause"}, {"es", "Cláusula"}, {"fr", "Clause"}, {"pt", "Cláusula"},
                  {"ar", "البند"}, {"hi", "खंड"}, {"zh", "条款"}}},
      {"adopted_by", {{"en", "Adopted by"}, {"es", "Adoptada por"}, {"fr", "Adoptée par"}, {"pt", "Adotada por"},
                      {"ar", "اعتمدتها"}, {"hi", "द्वारा अंगीकृत"}, {"zh", "通过方"}}},
      {"version", {{"en", "Version"}, {"es", "Versión"}, {"fr", "Version"}, {"pt", "Versão"},
                   {"ar", "النسخة"}, {"hi", "संस्करण"}, {"zh", "版本"}}},
      {"machine", {{"en", "machine translation, not authoritative"}, {"es", "traducción automática, no auténtica"},
                   {"fr", "traduction automatique, non authentique"}, {"pt", "tradução automática, não autêntica"},
                   {"ar", "ترجمة آلية، غير معتمدة"}, {"hi", "मशीनी अनुवाद, अप्रामाणिक"}, {"zh", "机器翻译，非正式文本"}}},
      {"stale", {{"en", "translation not yet checked against the current original"},
                 {"es", "traducción aún no revisada frente al original vigente"},
                 {"fr", "traduction pas encore vérifiée par rapport à l'original actuel"},
                 {"pt", "tradução ainda não verificada face ao original atual"},
                 {"ar", "ترجمة لم تُراجع بعد مقابل النص الأصلي الحالي"}, {"hi", "अनुवाद अभी वर्तमान मूल से जाँचा नहीं गया"},
                 {"zh", "译文尚未根据现行原文核对"}}},
      {"missing", {{"en", "not translated"}, {"es", "sin traducir"}, {"fr", "non traduit"}, {"pt", "não traduzido"},
                   {"ar", "غير مترجم"}, {"hi", "अनूदित नहीं"}, {"zh", "未翻译"}}},
      {"history", {{"en", "Amendments to this clause"}, {"es", "Enmiendas a esta cláusula"},
                   {"fr", "Amendements à cette clause"}, {"pt", "Emendas a esta cláusula"},
                   {"ar", "التعديلات على هذا البند"}, {"hi", "इस खंड में संशोधन"}, {"zh", "对本条款的修正"}}},
      {"amendment", {{"en", "Amendment"}, {"es", "Enmienda"}, {"fr", "Amendement"}, {"pt", "Emenda"},
                     {"ar", "التعديل"}, {"hi", "संशोधन"}, {"zh", "修正案"}}},
      {"annex_votes", {{"en", "Annex: record of votes"}, {"es", "Anexo: registro de votaciones"},
                       {"fr", "Annexe : relevé des votes"}, {"pt", "Anexo: registo das votações"},
                       {"ar", "مرفق: سجل التصويت"}, {"hi", "परिशिष्ट: मतदान का अभिलेख"}, {"zh", "附件：表决记录"}}},
      {"annex_signatories", {{"en", "Annex: signatories"}, {"es", "Anexo: firmantes"}, {"fr", "Annexe : signataires"},
                             {"pt", "Anexo: signatários"}, {"ar", "مرفق: الموقعون"}, {"hi", "परिशिष्ट: हस्ताक्षरकर्ता"},
                             {"zh", "附件：签署方"}}},
      {"annex_participation", {{"en", "Annex: participation"}, {"es", "Anexo: participación"},
                               {"fr", "Annexe : participation"}, {"pt", "Anexo: participação"},
                               {"ar", "مرفق: المشاركة"}, {"hi", "परिशिष्ट: भागीदारी"}, {"zh", "附件：参与情况"}}},
      {"secret", {{"en", "secret ballot: totals only"}, {"es", "voto secreto: solo totales"},
                  {"fr", "vote secret : totaux seulement"}, {"pt", "voto secreto: apenas totais"},
                  {"ar", "اقتراع سري: المجاميع فقط"}, {"hi", "गुप्त मतदान: केवल योग"}, {"zh", "无记名投票：仅公布总数"}}},
      {"named", {{"en", "named vote"}, {"es", "votación nominal"}, {"fr", "vote nominal"}, {"pt", "votação nominal"},
                 {"ar", "تصويت علني بالأسماء"}, {"hi", "नामित मतदान"}, {"zh", "记名投票"}}},
      {"none", {{"en", "None."}, {"es", "Ninguno."}, {"fr", "Aucun."}, {"pt", "Nenhum."}, {"ar", "لا شيء."},
                {"hi", "कोई नहीं।"}, {"zh", "无。"}}},
      {"signatures_open", {{"en", "The list of signatories is open."}, {"es", "La lista de firmantes está abierta."},
                           {"fr", "La liste des signataires est ouverte."}, {"pt", "A lista de signatários está aberta."},
                           {"ar", "قائمة الموقعين مفتوحة."}, {"hi", "हस्ताक्षरकर्ताओं की सूची खुली है।"}, {"zh", "签署名单仍开放。"}}},
      {"signatures_closed", {{"en", "The list of signatories is closed."}, {"es", "La lista de firmantes está cerrada."},
                             {"fr", "La liste des signataires est close."}, {"pt", "A lista de signatários está fechada."},
                             {"ar", "قائمة الموقعين مغلقة."}, {"hi", "हस्ताक्षरकर्ताओं की सूची बंद है।"}, {"zh", "签署名单已关闭。"}}},
      {"organisation", {{"en", "organisation"}, {"es", "organización"}, {"fr", "organisation"}, {"pt", "organização"},
                        {"ar", "منظمة"}, {"hi", "संगठन"}, {"zh", "组织"}}},
      {"network", {{"en", "network"}, {"es", "red"}, {"fr", "réseau"}, {"pt", "rede"}, {"ar", "شبكة"},
                   {"hi", "नेटवर्क"}, {"zh", "网络"}}},
      {"record", {{"en", "Record of the forum"}, {"es", "Relatoría del foro"}, {"fr", "Compte rendu du forum"}, {"pt", "Registo do fórum"}}},
      {"programme", {{"en", "Programme"}, {"es", "Programa"}, {"fr", "Programme"}, {"pt", "Programa"}}},
      {"workshops", {{"en", "Workshops"}, {"es", "Talleres"}, {"fr", "Ateliers"}, {"pt", "Oficinas"}}},
      {"speakers", {{"en", "Speakers"}, {"es", "Oradores"}, {"fr", "Orateurs"}, {"pt", "Oradores"}}},
      {"polls", {{"en", "Polls and results"}, {"es", "Votaciones y resultados"}, {"fr", "Votes et résultats"}, {"pt", "Votações e resultados"}}},
      {"plenary", {{"en", "Plenary"}, {"es", "Plenaria"}, {"fr", "Plénière"}, {"pt", "Plenária"}}},
      {"plenary_of", {{"en", "Plenary assembly of the"}, {"es", "Asamblea plenaria del"}, {"fr", "Assemblée plénière du"}, {"pt", "Assembleia plenária do"},
                      {"ar", "الجمعية العامة لـ"}, {"hi", "की पूर्ण सभा:"}, {"zh", "全体大会："}}},
      {"workshop", {{"en", "Workshop"}, {"es", "Taller"}, {"fr", "Atelier"}, {"pt", "Oficina"}, {"ar", "ورشة العمل"}, {"hi", "कार्यशाला"}, {"zh", "研讨会"}}},
      {"moderator", {{"en", "Moderator"}, {"es", "Moderación"}, {"fr", "Modération"}, {"pt", "Moderação"}}},
      {"rapporteur", {{"en", "Rapporteur"}, {"es", "Relatoría"}, {"fr", "Rapporteur"}, {"pt", "Relatoria"}}},
      {"statement", {{"en", "Statement"}, {"es", "Declaración"}, {"fr", "Déclaration"}, {"pt", "Declaração"}}},
      {"room", {{"en", "Room"}, {"es", "Sala"}, {"fr", "Salle"}, {"pt", "Sala"}}},
      {"suppressed", {{"en", "suppressed (fewer than k)"}, {"es", "suprimido (menos de k)"}, {"fr", "masqué (moins de k)"},
                      {"pt", "suprimido (menos de k)"}, {"ar", "محجوب (أقل من k)"}, {"hi", "छिपाया गया (k से कम)"},
                      {"zh", "已隐去（少于 k）"}}},
  };
  return t;
}
}  // namespace

std::string label(std::string_view key, std::string_view lang) {
  auto it = labels().find(key);
  if (it == labels().end()) return std::string(key);
  auto base = lang.substr(0, lang.find('-'));
  if (auto l = it->second.find(base); l != it->second.end()) return std::string(l->second);
  return std::string(it->second.at("en"));
}

std::string language_name(std::string_view lang) {
  static const std::map<std::string_view, std::string_view> names = {
      {"en", "English"}, {"es", "Español"}, {"fr", "Français"}, {"pt", "Português"}, {"ar", "العربية"},
      {"hi", "हिन्दी"}, {"zh", "中文"}, {"id", "Bahasa Indonesia"}, {"tl", "Tagalog"}, {"sw", "Kiswahili"},
      {"de", "Deutsch"}, {"it", "Italiano"}, {"ru", "Русский"}, {"bn", "বাংলা"}, {"ur", "اردو"}, {"fa", "فارسی"},
      {"he", "עברית"}, {"ne", "नेपाली"}, {"ja", "日本語"}, {"ko", "한국어"}};
  auto it = names.find(lang);
  return it == names.end() ? std::string(lang) : std::string(it->second);
}

std::string slug(std::string_view s) {
  std::string out;
  bool dash = false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (dash && !out.empty()) out += '-';
      dash = false;
      out += static_cast<char>(c);
    } else if (c >= 'A' && c <= 'Z') {
      if (dash && !out.empty()) out += '-';
      dash = false;
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      dash = true;
    }
  }
  if (out.size() > 60) out.resize(60);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "x" : out;
}

std::string file_name(const Declaration& d, const std::string& lang, const std::string& ext) {
  std::string forum = d.forum_key.empty() ? "forum-" + std::to_string(d.forum_id) : d.forum_key;
  std::string decl = d.key.empty() ? "declaration-" + std::to_string(d.id) : d.key;
  return slug(forum) + "_" + slug(decl) + "_" + slug(lang) + "_v" + std::to_string(d.version) + "." + ext;
}

}  // namespace plenary::publish
