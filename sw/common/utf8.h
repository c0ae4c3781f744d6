#pragma once
// UTF-8 validity of a text file's contents: YAML is Unicode text, and every string a reader keeps
// may end up in a JSON file (a report, a schedule, a resolved study), which must be UTF-8.
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
};
std::optional<utf8_error> first_invalid_utf8(const std::string& text);

// "FILE:LINE: byte 0xFF is not UTF-8; expected a UTF-8 text file", or empty if the text is valid.
std::string utf8_problem(const std::string& text, const std::string& file);

}  // namespace aimcsim::sw
