#include "sw/common/utf8.h"

#include <algorithm>
#include <cstdio>

namespace aimcsim::sw {
namespace {

// Bytes of the sequence a lead byte starts, and the least code point it may encode; 0 if not a lead.
struct lead {
    unsigned length;
    char32_t least;
};
lead lead_of(unsigned char b) {
    if (b < 0x80) return {1, 0};
    if (b >= 0xC2 && b < 0xE0) return {2, 0x80};
    if (b >= 0xE0 && b < 0xF0) return {3, 0x800};
    if (b >= 0xF0 && b < 0xF5) return {4, 0x10000};
    return {0, 0};
}

// The length of the valid sequence at `i`, or 0.
std::size_t sequence_at(const std::string& text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const lead l = lead_of(byte(i));
    if (l.length <= 1 || i + l.length > text.size()) return l.length == 1 ? 1 : 0;
    char32_t code = byte(i) & (0x7F >> l.length);
    for (std::size_t k = i + 1; k < i + l.length; ++k) {
        if ((byte(k) & 0xC0) != 0x80) return 0;
        code = (code << 6) | (byte(k) & 0x3F);
    }
    const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
    return code < l.least || code > 0x10FFFF || surrogate ? 0 : l.length;
}

}  // namespace

std::optional<utf8_error> first_invalid_utf8(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = sequence_at(text, i);
        if (n == 0) {
            const auto lines = std::count(text.begin(), text.begin() + std::ptrdiff_t(i), '\n');
            return utf8_error{i, unsigned(lines) + 1, static_cast<unsigned char>(text[i])};
        }
        i += n;
    }
    return std::nullopt;
}

std::string utf8_problem(const std::string& text, const std::string& file) {
    const auto error = first_invalid_utf8(text);
    if (!error) return "";
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", error->byte);
    return file + ":" + std::to_string(error->line) + ": byte " + byte + " is not UTF-8; expected a UTF-8 text file";
}

}  // namespace aimcsim::sw
