// Text files are read as UTF-8: the first byte that breaks it is found, with its line.
#include <gtest/gtest.h>

#include "sw/common/utf8.h"

namespace aimcsim::sw {
namespace {

TEST(Utf8, ValidTextOfEveryLengthPasses) {
    EXPECT_FALSE(first_invalid_utf8(""));
    EXPECT_FALSE(first_invalid_utf8("ascii\n"));
    EXPECT_FALSE(first_invalid_utf8("\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"));  // é € 😀 U+10FFFF
}

TEST(Utf8, FirstBadByteIsFoundWithItsLine) {
    const auto error = first_invalid_utf8("a: 1\nb: ../sw/\xFFoo\n");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->offset, 14u);
    EXPECT_EQ(error->line, 2u);
    EXPECT_EQ(error->byte, 0xFF);
    EXPECT_EQ(yaml_text_problem("a: 1\nb: \xFF", "x.yaml"), "x.yaml:2: byte 0xFF is not UTF-8; expected a UTF-8 text file");
    EXPECT_EQ(yaml_text_problem("fine", "x.yaml"), "");
}

TEST(Utf8, MalformedSequencesAreRefused) {
    for (const char* bad : {"\x80",              // a continuation byte alone
                            "\xC3",              // a sequence cut short at the end
                            "\xC3(",             // a lead byte without its continuation
                            "\xC0\xAF",          // overlong '/'
                            "\xE0\x80\xAF",      // overlong '/', three bytes
                            "\xED\xA0\x80",      // a surrogate, U+D800
                            "\xF4\x90\x80\x80",  // above U+10FFFF
                            "\xF8\x88\x80\x80\x80"})
        EXPECT_TRUE(first_invalid_utf8(std::string("ok ") + bad)) << "accepted: " << bad;
}

// A NUL in a study's option once reached the settings hash's JSON as a byte that is not UTF-8
// (fuzz finding, tests/data/fuzz/study): YAML allows no control character but tab and line ends.
TEST(Utf8, YamlTextRefusesControlCharactersWithTheirLine) {
    EXPECT_EQ(yaml_text_problem(std::string("a: 1\nb: x\0y\n", 12), "s.yaml"),
              "s.yaml:2: character U+0000 is a control character; expected printable text (YAML 1.2, sec. 5.1)");
    for (const char* bad : {"\x01", "\x1B", "\x7F", "\xC2\x80", "\xC2\x9F", "\xEF\xBF\xBE", "\xEF\xBF\xBF"})
        EXPECT_TRUE(first_unprintable(std::string("ok ") + bad)) << "accepted: " << bad;
    EXPECT_FALSE(first_unprintable("tab\there\r\nnel \xC2\x85 nbsp \xC2\xA0 \xEF\xBB\xBF \xF0\x9F\x98\x80\n"));
}

}  // namespace
}  // namespace aimcsim::sw
