#include "platform/config/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <sstream>

#include "sw/common/utf8.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {

namespace {

std::string format_number(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

std::string describe(const limits& range, const std::string& what) {
    if (std::isinf(range.hi)) return what + (range.lo_open ? " > " : " >= ") + format_number(range.lo);
    return what + " in " + (range.lo_open ? "(" : "[") + format_number(range.lo) + ", " +
           format_number(range.hi) + "]";
}

bool in_range(double v, const limits& range) {
    return v <= range.hi && (range.lo_open ? v > range.lo : v >= range.lo);
}

// Parses all of `text` (an optional leading '+' allowed) into `out`.
template <typename T>
bool parse_all(const std::string& text, T& out) {
    const char* first = text.data();
    const char* last = first + text.size();
    if (first != last && *first == '+') ++first;
    const auto [end, error] = std::from_chars(first, last, out);
    return error == std::errc() && end == last && first != last;
}

bool starts_with_path(const std::string& path, const std::string& prefix) {
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return path == prefix;
    return path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> segments;
    std::istringstream in(path);
    for (std::string segment; std::getline(in, segment, '.');) segments.push_back(segment);
    if (!path.empty() && path.back() == '.') segments.emplace_back();
    return segments;
}

// The problem with a node of the wrong kind: "missing value", "got a map", ...
std::string got(const YAML::Node& node) {
    if (!node.IsDefined() || node.IsNull()) return "missing value";
    if (node.IsMap()) return "got a map";
    return node.IsSequence() ? "got a sequence" : "got a scalar";
}

bool is_index(const std::string& segment) {
    return !segment.empty() && std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

// ---- yaml_origin -------------------------------------------------------------------------------

void yaml_origin::add_source(const std::string& path, const std::string& file) { m_sources.emplace_back(path, file); }

void yaml_origin::set_source(const std::string& path, const std::string& file) {
    m_sources.erase(std::remove_if(m_sources.begin(), m_sources.end(),
                                   [&](const auto& source) { return starts_with_path(source.first, path); }),
                    m_sources.end());
    add_source(path, file);
}

const std::string& yaml_origin::file_of(const std::string& path) const {
    const std::pair<std::string, std::string>* deepest = nullptr;
    for (const auto& source : m_sources)
        if (starts_with_path(path, source.first) && (!deepest || source.first.size() >= deepest->first.size()))
            deepest = &source;
    return deepest ? deepest->second : m_file;
}

void yaml_origin::add_override(std::string path, std::string text) {
    m_overrides.emplace_back(std::move(path), std::move(text));
}

std::string yaml_origin::locate(const std::string& path, const YAML::Mark& mark) const {
    for (auto it = m_overrides.rbegin(); it != m_overrides.rend(); ++it)  // the last override wins
        if (starts_with_path(path, it->first)) return "--set " + it->second;
    // A node with no mark was created by an override below it (e.g. an unknown key's parent map).
    if (mark.is_null()) {
        for (const auto& [override_path, text] : m_overrides)
            if (starts_with_path(override_path, path)) return "--set " + text;
        return file_of(path);
    }
    return file_of(path) + ":" + std::to_string(mark.line + 1);
}

void yaml_origin::fail(const std::string& path, const YAML::Mark& mark, const std::string& problem,
                       const std::string& expected) const {
    throw input_error(locate(path, mark) + ": " + (path.empty() ? "top level" : path) + ": " + problem +
                      "; expected " + expected);
}

YAML::Node parse_yaml(const std::string& text, const std::string& file) {
    if (const std::string problem = sw::yaml_text_problem(text, file); !problem.empty()) throw input_error(problem);
    try {
        return YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw input_error(file + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML at column " +
                          std::to_string(e.mark.column + 1) + ": " + e.msg + "; expected well-formed YAML");
    }
}

// ---- overrides ---------------------------------------------------------------------------------

namespace {

// Walks and edits the tree for one override; errors name the override text.
class override_writer {
public:
    explicit override_writer(std::string text) : m_text(std::move(text)) {}

    [[noreturn]] void fail(const std::string& path, const std::string& problem, const std::string& expected) const {
        throw input_error("--set " + m_text + ": " + path + ": " + problem + "; expected " + expected);
    }

    // The child `segment` of `node` (at `path`), created as an empty map if missing.
    YAML::Node child(YAML::Node node, const std::string& path, const std::string& segment) const {
        if (node.IsSequence()) return node[index(node, path, segment)];
        if (node.IsNull()) node = YAML::Node(YAML::NodeType::Map);  // rebinds the tree's node
        if (!node.IsMap()) fail(path, "is a scalar and has no key \"" + segment + "\"", "a map");
        if (!node[segment].IsDefined()) node[segment] = YAML::Node(YAML::NodeType::Map);
        return node[segment];
    }

    void assign(YAML::Node node, const std::string& path, const std::string& segment, const YAML::Node& value) const {
        if (node.IsSequence()) {
            node[index(node, path, segment)] = value;
            return;
        }
        if (node.IsNull()) node = YAML::Node(YAML::NodeType::Map);
        if (!node.IsMap()) fail(path, "is a scalar and has no key \"" + segment + "\"", "a map");
        node[segment] = value;
    }

private:
    std::size_t index(const YAML::Node& sequence, const std::string& path, const std::string& segment) const {
        const std::string expected = "an index below " + std::to_string(sequence.size());
        std::size_t i = 0;
        if (!is_index(segment) || !parse_all(segment, i)) fail(path, "is a sequence, not a map", expected);
        if (i >= sequence.size()) fail(path + "[" + segment + "]", "index out of range", expected);
        return i;
    }

    std::string m_text;
};

}  // namespace

std::string apply_override(YAML::Node& root, const std::string& text, yaml_origin& origin) {
    const auto eq = text.find('=');
    const std::string path = text.substr(0, eq);
    const auto segments = split_path(path);
    const bool empty_segment = std::any_of(segments.begin(), segments.end(), [](const auto& s) { return s.empty(); });
    if (eq == std::string::npos || segments.empty() || empty_segment)
        throw input_error("--set " + text + ": malformed override; expected key.path=value, e.g. tile.adc.bits=6");

    const override_writer writer(text);
    YAML::Node value;
    try {
        value = YAML::Load(text.substr(eq + 1));
    } catch (const YAML::Exception& e) {
        writer.fail(path, "invalid YAML value (" + e.msg + ")", "a YAML scalar or flow node, e.g. 6 or [TT, TL]");
    }
    if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);

    // The key path as the reader spells it: "a.b[2].c".
    const auto extend = [](const std::string& at, const YAML::Node& node, const std::string& segment) {
        return node.IsSequence() ? at + "[" + segment + "]" : at.empty() ? segment : at + "." + segment;
    };
    YAML::Node node = root;
    std::string node_path;
    for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
        const std::string next = extend(node_path, node, segments[i]);
        node.reset(writer.child(node, node_path.empty() ? "top level" : node_path, segments[i]));
        node_path = next;
    }
    const std::string full_path = extend(node_path, node, segments.back());
    writer.assign(node, node_path.empty() ? "top level" : node_path, segments.back(), value);
    origin.add_override(full_path, text);
    return full_path;
}

// ---- yaml_value --------------------------------------------------------------------------------

yaml_value::yaml_value(const yaml_origin& origin, YAML::Node node, std::string path, YAML::Mark mark)
    : m_origin(&origin), m_node(std::move(node)), m_path(std::move(path)), m_mark(mark) {}

void yaml_value::fail(const std::string& problem, const std::string& expected) const {
    m_origin->fail(m_path, m_mark, problem, expected);
}

std::string yaml_value::scalar(const std::string& expected) const {
    if (!present() || !m_node.IsScalar()) fail(got(m_node), expected);
    return m_node.Scalar();
}

std::string yaml_value::as_string() const { return scalar("a string"); }

long long yaml_value::as_integer(const limits& range) const {
    const std::string expected = describe(range, "an integer");
    const std::string text = scalar(expected);
    long long v = 0;
    if (m_node.Tag() == "!" || !parse_all(text, v)) fail("got \"" + text + "\"", expected);
    if (!in_range(static_cast<double>(v), range)) fail(text + " is out of range", expected);
    return v;
}

double yaml_value::as_number(const limits& range) const {
    const std::string expected = describe(range, "a number");
    const std::string text = scalar(expected);
    double v = 0;
    if (m_node.Tag() == "!" || !parse_all(text, v) || !std::isfinite(v)) fail("got \"" + text + "\"", expected);
    if (!in_range(v, range)) fail(text + " is out of range", expected);
    return v;
}

std::vector<yaml_value> yaml_value::items() const {
    if (!m_node.IsSequence()) fail(got(m_node), "a sequence");
    std::vector<yaml_value> out;
    for (std::size_t i = 0; i < m_node.size(); ++i) {
        const YAML::Node item = m_node[i];
        out.emplace_back(*m_origin, item, m_path + "[" + std::to_string(i) + "]",
                         item.Mark().is_null() ? m_mark : item.Mark());
    }
    return out;
}

// ---- yaml_map ----------------------------------------------------------------------------------

yaml_map::yaml_map(const yaml_value& value)
    : m_origin(&value.origin()), m_path(value.path()), m_mark(value.mark()) {
    if (!value.present()) return;
    if (!value.node().IsMap()) value.fail(got(value.node()), "a map");
    for (const auto& kv : value.node()) {
        const YAML::Mark mark = kv.first.Mark();
        if (!kv.first.IsScalar()) m_origin->fail(m_path, mark, "a key is not a scalar", "plain key names");
        const std::string key = kv.first.Scalar();
        if (!m_index.emplace(key, m_entries.size()).second)
            m_origin->fail(child_path(key), mark, "duplicate key", "each key at most once");
        m_entries.push_back({key, mark, kv.second});
    }
}

const yaml_map::entry* yaml_map::find(const std::string& key) const {
    const auto it = m_index.find(key);
    return it == m_index.end() ? nullptr : &m_entries[it->second];
}

std::string yaml_map::child_path(const std::string& key) const { return m_path.empty() ? key : m_path + "." + key; }

bool yaml_map::has(const std::string& key) const { return find(key) != nullptr; }

yaml_value yaml_map::get(const std::string& key) {
    if (m_known_set.insert(key).second) m_known.push_back(key);
    if (const entry* e = find(key)) return yaml_value(*m_origin, e->value, child_path(key), e->mark);
    return yaml_value(*m_origin, YAML::Node(), child_path(key), m_mark);
}

yaml_value yaml_map::require(const std::string& key, const std::string& expected) {
    const yaml_value v = get(key);
    if (!v.present()) v.fail(has(key) ? "missing value" : "missing key", expected);
    return v;
}

void yaml_map::read(const std::string& key, unsigned& out, const limits& range) {
    limits r = range;
    r.hi = std::min(r.hi, static_cast<double>(UINT_MAX));
    if (const auto v = get(key); has(key)) out = static_cast<unsigned>(v.as_integer(r));
}

void yaml_map::read(const std::string& key, std::uint64_t& out, const limits& range) {
    limits r = range;
    r.hi = std::min(r.hi, static_cast<double>(LLONG_MAX));
    if (const auto v = get(key); has(key)) out = static_cast<std::uint64_t>(v.as_integer(r));
}

void yaml_map::read(const std::string& key, double& out, const limits& range) {
    if (const auto v = get(key); has(key)) out = v.as_number(range);
}

void yaml_map::read(const std::string& key, std::string& out) {
    if (const auto v = get(key); has(key)) out = v.as_string();
}

std::vector<std::pair<std::string, yaml_value>> yaml_map::entries() {
    std::vector<std::pair<std::string, yaml_value>> out;
    for (const auto& e : m_entries) out.emplace_back(e.key, get(e.key));
    return out;
}

void yaml_map::done() const {
    for (const auto& e : m_entries)
        if (!m_known_set.count(e.key))
            m_origin->fail(child_path(e.key), e.mark, "unknown key", "one of " + join_names(m_known));
}

}  // namespace aimcsim::platform
