#pragma once
// Strict reading of a YAML tree into plain structs. Every key is checked once, and every error is
// an input_error of the form "<file>:<line>: <key.path>: <problem>; expected <what>", or
// "--set <override>: <key.path>: ..." when the offending node came from a --set override.
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace aimcsim::platform {

// Where a tree came from: a file, with some subtrees inherited from base files (yaml_base.h) and
// some replaced by --set overrides.
class yaml_origin {
public:
    explicit yaml_origin(std::string file) : m_file(std::move(file)) {}

    const std::string& file() const { return m_file; }
    // The node at `path` came from `file`, as did the nodes below it without a record of their own.
    void add_source(const std::string& path, const std::string& file);
    // The whole subtree at `path` came from `file`: records below `path` are dropped.
    void set_source(const std::string& path, const std::string& file);
    // The file of the node at `path`: that of the deepest (then latest) recorded path enclosing it,
    // else file().
    const std::string& file_of(const std::string& path) const;
    void add_override(std::string path, std::string text);
    // "<file>:<line>", "<file>" (no line known) or "--set <text>" for the node at `path`.
    std::string locate(const std::string& path, const YAML::Mark& mark) const;
    [[noreturn]] void fail(const std::string& path, const YAML::Mark& mark, const std::string& problem,
                           const std::string& expected) const;

private:
    std::string m_file;
    std::vector<std::pair<std::string, std::string>> m_sources;    // key path, file
    std::vector<std::pair<std::string, std::string>> m_overrides;  // key path, "key.path=value"
};

// Parses YAML text; a syntax error becomes an input_error naming the file and line.
YAML::Node parse_yaml(const std::string& text, const std::string& file);

// Applies one "key.path=value" override to `root` (creating missing maps on the way), records it
// in `origin` and returns its key path as the reader spells it ("a.b[2]"). The value is parsed
// as a YAML scalar or flow node.
std::string apply_override(YAML::Node& root, const std::string& text, yaml_origin& origin);

// Allowed range of a numeric field; `lo_open` excludes `lo` itself.
struct limits {
    double lo = 0;
    double hi = std::numeric_limits<double>::infinity();
    bool lo_open = false;

    static limits between(double lo, double hi) { return {lo, hi, false}; }
    static limits at_least(double lo) { return {lo, std::numeric_limits<double>::infinity(), false}; }
    static limits positive(double hi = std::numeric_limits<double>::infinity()) { return {0, hi, true}; }
    static limits non_negative() { return at_least(0); }
};

template <typename E>
using enum_names = std::vector<std::pair<const char*, E>>;

// One node of the tree with its dotted key path and the mark to blame in messages.
class yaml_value {
public:
    yaml_value(const yaml_origin& origin, YAML::Node node, std::string path, YAML::Mark mark);

    bool present() const { return m_node.IsDefined() && !m_node.IsNull(); }
    const std::string& path() const { return m_path; }
    const YAML::Mark& mark() const { return m_mark; }
    const YAML::Node& node() const { return m_node; }
    const yaml_origin& origin() const { return *m_origin; }

    std::string as_string() const;
    long long as_integer(const limits& range) const;
    double as_number(const limits& range) const;
    template <typename E>
    E as_enum(const enum_names<E>& names) const;
    std::vector<yaml_value> items() const;  // the elements of a sequence

    [[noreturn]] void fail(const std::string& problem, const std::string& expected) const;

private:
    std::string scalar(const std::string& expected) const;  // fails unless a plain scalar

    const yaml_origin* m_origin;
    YAML::Node m_node;
    std::string m_path;
    YAML::Mark m_mark;
};

// A YAML map being read: every get/read records its key as known; done() rejects the others.
class yaml_map {
public:
    explicit yaml_map(const yaml_value& value);  // a map, or null/absent for an empty one

    const std::string& path() const { return m_path; }
    bool has(const std::string& key) const;
    yaml_value get(const std::string& key);
    yaml_value require(const std::string& key, const std::string& expected);
    yaml_map map(const std::string& key) { return yaml_map(get(key)); }

    // Each reads `key` into `out` if the map has it (keeping `out` as the default otherwise);
    // a key with no value is an error.
    void read(const std::string& key, unsigned& out, const limits& range);
    void read(const std::string& key, std::uint64_t& out, const limits& range);
    void read(const std::string& key, double& out, const limits& range);
    void read(const std::string& key, std::string& out);
    template <typename E>
    void read(const std::string& key, E& out, const enum_names<E>& names) {
        if (const auto v = get(key); has(key)) out = v.as_enum(names);
    }

    // Every entry as (key, value), each recorded as known: for maps whose keys are names.
    std::vector<std::pair<std::string, yaml_value>> entries();
    void done() const;  // fails on the first key that was never asked for

private:
    struct entry {
        std::string key;
        YAML::Mark mark;
        YAML::Node value;
    };
    const entry* find(const std::string& key) const;
    std::string child_path(const std::string& key) const;

    const yaml_origin* m_origin;
    std::string m_path;
    YAML::Mark m_mark;
    std::vector<entry> m_entries;
    std::map<std::string, std::size_t> m_index;  // key -> entry: maps of any size read in n log n
    std::vector<std::string> m_known;  // in the order they were asked for
    std::set<std::string> m_known_set;
};

std::string join_names(const std::vector<std::string>& names);

template <typename E>
E yaml_value::as_enum(const enum_names<E>& names) const {
    std::vector<std::string> all;
    for (const auto& [name, value] : names) all.push_back(name);
    const std::string expected = "one of " + join_names(all);
    const std::string text = scalar(expected);
    for (const auto& [name, value] : names)
        if (text == name) return value;
    fail("unknown value \"" + text + "\"", expected);
}

}  // namespace aimcsim::platform
