#include "sw/frontend/yaml_fields.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "sw/common/utf8.h"
#include "sw/ir/input_error.h"

namespace aimcsim::sw {

std::string join_choices(const std::vector<std::string>& words) {
    std::string s;
    for (const auto& w : words) s += (s.empty() ? "" : "|") + w;
    return s;
}

YAML::Node yaml_fields::parse(const std::string& text) const {
    if (const std::string problem = yaml_text_problem(text, m_source); !problem.empty()) throw input_error(problem);
    try {
        return YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw input_error(m_source + ":" + std::to_string(e.mark.line + 1) + ": malformed YAML: " + e.msg);
    }
}

void yaml_fields::fail(const YAML::Node& at, const std::string& what) const {
    throw input_error(m_source + ":" + std::to_string(std::max(at.Mark().line, 0) + 1) + ": " + what);
}

void yaml_fields::check_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
                             const std::string& context) const {
    for (const auto& kv : map) {
        const std::string key = kv.first.Scalar();
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
            fail(kv.first, context + "unknown key '" + key + "'; expected " + join_choices(allowed));
    }
}

unsigned yaml_fields::positive(const YAML::Node& n, const std::string& context, bool allow_zero) const {
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    const bool digits = !s.empty() && s.size() <= 9 && std::all_of(s.begin(), s.end(), [](char c) {
        return c >= '0' && c <= '9';
    });
    const unsigned v = digits ? static_cast<unsigned>(std::stoul(s)) : 0;
    if (!digits || (v == 0 && !allow_zero))
        fail(n, context + "expected a " + (allow_zero ? "non-negative" : "positive") + " integer, got '" +
                    (n.IsScalar() ? s : "a " + std::string(n.IsMap() ? "map" : "list")) + "'");
    return v;
}

std::string yaml_fields::text(const YAML::Node& n, const std::string& context) const {
    if (!n.IsScalar()) fail(n, context + "expected a string");
    return n.Scalar();
}

bool yaml_fields::boolean(const YAML::Node& n, const std::string& context) const {
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    if (s != "true" && s != "false") fail(n, context + "expected true or false, got '" + s + "'");
    return s == "true";
}

std::string read_text_file(const std::string& path, const std::string& what) {
    std::ifstream in(path);
    if (!in) throw input_error(path + ": cannot open the " + what);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace aimcsim::sw
