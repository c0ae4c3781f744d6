#pragma once
// Reading the fields of a YAML file whose errors name the file and line: one line,
// "FILE:LINE: CONTEXTwhat was expected", thrown as input_error (docs/network-format.md, "Errors").
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace aimcsim::sw {

// "a|b|c"
std::string join_choices(const std::vector<std::string>& words);

class yaml_fields {
public:
    explicit yaml_fields(std::string source) : m_source(std::move(source)) {}

    // Parses `text`; a syntax error names its line.
    YAML::Node parse(const std::string& text) const;
    [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const;
    void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const std::string& context) const;
    unsigned positive(const YAML::Node& n, const std::string& context, bool allow_zero = false) const;
    std::string text(const YAML::Node& n, const std::string& context) const;
    bool boolean(const YAML::Node& n, const std::string& context) const;
    const std::string& source() const { return m_source; }

private:
    std::string m_source;
};

// The text of the file at `path`; throws input_error if it cannot be opened.
std::string read_text_file(const std::string& path, const std::string& what);

}  // namespace aimcsim::sw
