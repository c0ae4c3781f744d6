#pragma once
// UTF-8 validity of a text file's contents: YAML is printable Unicode text, and every string a
// reader keeps may end up in a JSON file (a report, a schedule, a resolved study, a settings
// hash), which must be UTF-8.
#include <cstddef>
#include <optional>
#include <string>

namespace aimcsim::sw {

// Where the text first breaks UTF-8 (a stray, missing or overlong continuation byte, a surrogate,
// a code point above U+10FFFF): its byte offset and the 1-based line it is on; none if it is valid.
struct utf8_error {
    std::size_t offset = 0;
    unsigned line = 1;
    unsigned char byte = 0;
    char32_t code = 0;  // of first_unprintable: the character
};
std::optional<utf8_error> first_invalid_utf8(const std::string& text);
// The first character YAML does not allow (not c-printable, YAML 1.2 sec. 5.1: a control character
// such as NUL, DEL or a C1 control; tab, line feed and carriage return are allowed), or the first
// invalid sequence.
std::optional<utf8_error> first_unprintable(const std::string& text);

// "FILE:LINE: byte 0xFF is not UTF-8; expected a UTF-8 text file", "FILE:LINE: character U+0000
// is a control character; expected printable text (YAML 1.2, sec. 5.1)", or empty for YAML text.
std::string yaml_text_problem(const std::string& text, const std::string& file);

}  // namespace aimcsim::sw
