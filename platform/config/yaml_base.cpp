#include "platform/config/yaml_base.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace aimcsim::platform {

namespace {

namespace fs = std::filesystem;

const char* const base_key = "base";

// A layout is one picture: a file that gives one replaces the base's.
bool replaced_whole(const std::string& path) { return path == "mesh.layout"; }

std::string child_path(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}

struct map_entry {
    YAML::Node key;
    YAML::Node value;
};

std::optional<map_entry> find_entry(const YAML::Node& map, const std::string& key) {
    for (const auto& kv : map)
        if (kv.first.IsScalar() && kv.first.Scalar() == key) return map_entry{kv.first, kv.second};
    return std::nullopt;
}

// The reader's key rules, checked here because merging would hide a duplicate key.
void check_keys(const YAML::Node& map, const std::string& path, const std::string& file) {
    const yaml_origin where(file);
    std::set<std::string> seen;
    for (const auto& kv : map) {
        if (!kv.first.IsScalar()) where.fail(path, kv.first.Mark(), "a key is not a scalar", "plain key names");
        const std::string& key = kv.first.Scalar();
        if (!seen.insert(key).second)
            where.fail(child_path(path, key), kv.first.Mark(), "duplicate key", "each key at most once");
    }
}

// Merges the tree of one file over its (merged) base, recording where each entry came from.
class merger {
public:
    merger(yaml_origin& origin, std::string file) : m_origin(origin), m_file(std::move(file)) {}

    YAML::Node merge(const YAML::Node& base, const YAML::Node& over, const std::string& path) {
        if (!base.IsMap() || !over.IsMap() || replaced_whole(path)) {
            m_origin.set_source(path, m_file);
            return over;
        }
        check_keys(base, path, m_origin.file_of(path));
        check_keys(over, path, m_file);
        std::map<std::string, map_entry> mine;  // keys checked above: scalars, each once
        for (const auto& kv : over) mine.emplace(kv.first.Scalar(), map_entry{kv.first, kv.second});
        std::set<std::string> inherited;
        YAML::Node out(YAML::NodeType::Map);
        for (const auto& kv : base) {  // in the base's order
            const std::string at = child_path(path, kv.first.Scalar());
            inherited.insert(kv.first.Scalar());
            if (const auto it = mine.find(kv.first.Scalar()); it != mine.end()) {
                out.force_insert(it->second.key, merge(kv.second, it->second.value, at));
            } else {
                m_origin.add_source(at, m_origin.file_of(at));  // before `path` becomes m_file's
                out.force_insert(kv.first, kv.second);
            }
        }
        for (const auto& kv : over)
            if (!inherited.count(kv.first.Scalar())) {
                m_origin.set_source(child_path(path, kv.first.Scalar()), m_file);
                out.force_insert(kv.first, kv.second);
            }
        m_origin.add_source(path, m_file);  // the merged map's key is this file's
        return out;
    }

private:
    yaml_origin& m_origin;
    std::string m_file;
};

bool same_file(const std::string& a, const std::string& b) {
    std::error_code error;
    return fs::weakly_canonical(a, error) == fs::weakly_canonical(b, error);
}

std::string chain_text(const std::vector<std::string>& files, const std::string& last) {
    std::string out;
    for (const auto& file : files) out += file + " -> ";
    return out + last;
}

}  // namespace

std::optional<std::string> read_text(const std::string& path, std::string& problem) {
    std::error_code error;
    const bool exists = fs::exists(path, error);
    std::ifstream in;
    if (fs::is_regular_file(path, error)) in.open(path);
    if (!in.is_open()) {
        problem = exists ? "cannot read the file" : "no such file";
        return std::nullopt;
    }
    if (const auto size = fs::file_size(path, error); !error && size > max_yaml_bytes) {
        problem = "a file of " + std::to_string(size) + " bytes, larger than " + std::to_string(max_yaml_bytes);
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

YAML::Node merge_bases(YAML::Node root, const std::string& file, yaml_origin& origin,
                       std::vector<std::string>& files) {
    files.push_back(file);
    if (!root.IsMap()) return root;  // the reader rejects it
    check_keys(root, "", file);
    const auto base = find_entry(root, base_key);
    if (!base) {
        for (const auto& kv : root) origin.set_source(kv.first.Scalar(), file);
        return root;
    }

    const yaml_origin here(file);
    const YAML::Mark mark = base->key.Mark();
    if (!base->value.IsScalar() || base->value.Scalar().empty())
        here.fail(base_key, mark, "is not a file name", "the path of an architecture YAML file, relative to this file");
    const std::string base_file = (fs::path(file).parent_path() / base->value.Scalar()).lexically_normal().string();
    for (const auto& seen : files)
        if (same_file(seen, base_file))
            here.fail(base_key, mark, "a cycle of bases " + chain_text(files, base_file),
                      "a chain of bases that ends in a file without base");
    std::string problem;
    const auto text = read_text(base_file, problem);
    if (!text)
        here.fail(base_key, mark, problem + " " + base_file, "a readable architecture YAML file, relative to " + file);
    const YAML::Node base_root = parse_yaml(*text, base_file);
    if (!base_root.IsMap())
        here.fail(base_key, mark, base_file + " is not a map", "an architecture file (name, mesh, ...) as the base");

    root.remove(base_key);
    const YAML::Node merged_base = merge_bases(base_root, base_file, origin, files);
    return merger(origin, file).merge(merged_base, root, "");
}

}  // namespace aimcsim::platform
