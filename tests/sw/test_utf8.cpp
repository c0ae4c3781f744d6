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
    EXPECT_EQ(utf8_problem("a: 1\nb: \xFF", "x.yaml"), "x.yaml:2: byte 0xFF is not UTF-8; expected a UTF-8 text file");
    EXPECT_EQ(utf8_problem("fine", "x.yaml"), "");
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

}  // namespace
}  // namespace aimcsim::sw
