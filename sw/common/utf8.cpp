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

// The valid sequence at `i`: its length (0 if invalid) and code point.
struct sequence {
    std::size_t length;
    char32_t code;
};
sequence sequence_at(const std::string& text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const lead l = lead_of(byte(i));
    if (l.length <= 1 || i + l.length > text.size()) return {l.length == 1 ? 1u : 0u, byte(i)};
    char32_t code = byte(i) & (0x7F >> l.length);
    for (std::size_t k = i + 1; k < i + l.length; ++k) {
        if ((byte(k) & 0xC0) != 0x80) return {0, 0};
        code = (code << 6) | (byte(k) & 0x3F);
    }
    const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
    return {code < l.least || code > 0x10FFFF || surrogate ? 0 : l.length, code};
}

// YAML 1.2's c-printable (sec. 5.1): tab, line feed, carriage return, the printable ASCII, NEL and
// the rest of Unicode but the C1 controls, surrogates, U+FFFE and U+FFFF.
bool printable(char32_t c) {
    return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) || c == 0x85 || (c >= 0xA0 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

utf8_error error_at(const std::string& text, std::size_t i, char32_t code) {
    const auto lines = std::count(text.begin(), text.begin() + std::ptrdiff_t(i), '\n');
    return {i, unsigned(lines) + 1, static_cast<unsigned char>(text[i]), code};
}

std::string hex(unsigned value, int digits) {
    char out[16];
    std::snprintf(out, sizeof out, "%0*X", digits, value);
    return out;
}

}  // namespace

std::optional<utf8_error> first_invalid_utf8(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        const sequence s = sequence_at(text, i);
        if (s.length == 0) return error_at(text, i, 0);
        i += s.length;
    }
    return std::nullopt;
}

std::optional<utf8_error> first_unprintable(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        const sequence s = sequence_at(text, i);
        if (s.length == 0 || !printable(s.code)) return error_at(text, i, s.code);
        i += s.length;
    }
    return std::nullopt;
}

std::string yaml_text_problem(const std::string& text, const std::string& file) {
    if (const auto error = first_invalid_utf8(text))
        return file + ":" + std::to_string(error->line) + ": byte 0x" + hex(error->byte, 2) +
               " is not UTF-8; expected a UTF-8 text file";
    if (const auto error = first_unprintable(text))
        return file + ":" + std::to_string(error->line) + ": character U+" + hex(unsigned(error->code), 4) +
               " is a control character; expected printable text (YAML 1.2, sec. 5.1)";
    return "";
}

}  // namespace aimcsim::sw
