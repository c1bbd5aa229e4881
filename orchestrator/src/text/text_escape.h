// Text from a guest or a file read back, made safe for where it goes: XML
// and HTML (the reports, libvirt's domain XML), one terminal or KTAP line,
// a bounded field. The one place each of these is done; it uses nothing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kmx {

// Text safe inside XML/HTML elements and quoted attributes: & < > " '
// escaped, invalid UTF-8 replaced by U+FFFD, and the characters XML 1.0
// forbids or discourages (controls other than tab/newline/return, DEL, the
// C1 controls U+0080-U+009F, U+FFFE, U+FFFF) dropped.
std::string escape_markup(std::string_view text);

// Text that must stay on one line, whatever bytes it holds: KTAP lines,
// terminal output (compare, history), error messages. Valid UTF-8 is kept;
// a tab becomes a space; every other control character (C0, DEL, C1 such
// as U+0085 NEL), the line and paragraph separators U+2028/U+2029 and
// every byte that is not UTF-8 become a visible escape (\x1b, \u2028), so
// no reader splits a line there and no terminal obeys an escape sequence.
// At most max_bytes of input are shown, then "...".
std::string one_line_text(std::string_view text, std::size_t max_bytes = 300);

// Guest text bounded for one line: the first max_chars bytes, cut at a
// UTF-8 boundary, with "..." when something was left out.
std::string shorten(std::string_view text, std::size_t max_chars);

}  // namespace kmx
