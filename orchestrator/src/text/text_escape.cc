#include "text/text_escape.h"

#include <algorithm>

namespace kmx {

namespace {

// Length of the valid UTF-8 sequence at text[i] and its code point, or 0.
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  char32_t min = 0;
  if (lead < 0x80) return code_point = lead, 1;
  if ((lead & 0xE0) == 0xC0)
    length = 2, code_point = lead & 0x1F, min = 0x80;
  else if ((lead & 0xF0) == 0xE0)
    length = 3, code_point = lead & 0x0F, min = 0x800;
  else if ((lead & 0xF8) == 0xF0)
    length = 4, code_point = lead & 0x07, min = 0x10000;
  else
    return 0;
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and values past Unicode are not UTF-8.
  if (code_point < min || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

std::string escape_markup(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t length = utf8_sequence(text, i, cp);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD for a byte that is not UTF-8
      ++i;
      continue;
    }
    const std::string_view sequence = text.substr(i, length);
    i += length;
    // C0 controls but tab, newline and return; DEL and the C1 controls,
    // which XML 1.0 discourages and HTML calls parse errors; the non-characters.
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE ||
        cp == 0xFFFF)
      continue;
    switch (cp) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += sequence;
    }
  }
  return out;
}

std::string one_line_text(std::string_view text, std::size_t max_bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 8);
  for (std::size_t i = 0; i < text.size();) {
    if (i >= max_bytes) {
      out += "...";
      break;
    }
    char32_t cp = 0;
    const std::size_t length = utf8_sequence(text, i, cp);
    if (length == 0 || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
      const auto byte = static_cast<unsigned char>(text[i]);
      if (byte == '\t') {
        out += ' ';
      } else if (length == 2) {  // a C1 control, as its code point
        out += "\\u00";
        out += kHex[cp >> 4];
        out += kHex[cp & 15];
      } else {
        out += "\\x";
        out += kHex[byte >> 4];
        out += kHex[byte & 15];
      }
      i += length == 2 ? 2 : 1;
      continue;
    }
    if (cp == 0x2028 || cp == 0x2029) {
      out += cp == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out += text.substr(i, length);
    }
    i += length;
  }
  return out;
}

std::string shorten(std::string_view text, std::size_t max_chars) {
  if (text.size() <= max_chars) return std::string(text);
  std::size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return std::string(text.substr(0, cut)) + "...";
}

}  // namespace kmx
