#include "sw/common/json_file.h"

#include <fstream>

#include "sw/ir/input_error.h"

namespace aimcsim::sw {

nlohmann::json read_json_file(const std::string& path, const std::string& what) {
    using json = nlohmann::json;
    std::ifstream in(path);
    if (!in) throw input_error(path + ": cannot open " + what);
    // Refused while parsing, before the deep tree exists.
    const json::parser_callback_t depth_limit = [&](int depth, json::parse_event_t, json&) {
        if (depth > max_json_depth)
            throw input_error(path + ": JSON nested deeper than " + std::to_string(max_json_depth) + " levels; expected " +
                              what);
        return true;
    };
    try {
        return json::parse(in, depth_limit);
    } catch (const json::exception& e) {  // malformed text, or a number such as 1e400 that does not fit
        const std::string text = e.what();  // "[json.exception.parse_error.101] parse error at ..."
        throw input_error(path + ": malformed JSON: " + text.substr(text.find("] ") + 2) + "; expected " + what);
    }
}

}  // namespace aimcsim::sw
