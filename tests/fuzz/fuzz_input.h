#pragma once
// What the fuzz targets share (tests/fuzz, `make fuzz`). Each target hands its input to a reader
// the way the command line does, as a file, and treats input_error as the expected outcome of bad
// input; anything else (a crash, another exception, a sanitizer report, a hang) is a finding.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "sw/ir/input_error.h"

namespace aimcsim::fuzz {

// A path in the source tree, and the regular files of a folder of it.
std::filesystem::path source_path(const std::string& relative);
std::vector<std::filesystem::path> files_of(const std::string& relative_folder);

// The input's file, at `name` inside a scratch folder of this process. `links` (name inside the
// folder, path they point to) put the files that seeds refer to by relative paths (bases, the
// presets of a study) where those paths lead.
class input_file {
public:
    input_file(const std::string& name, const std::vector<std::pair<std::string, std::filesystem::path>>& links = {});
    ~input_file();
    input_file(const input_file&) = delete;
    input_file& operator=(const input_file&) = delete;

    // Replaces the file's content with the fuzzer's bytes and returns its path.
    const std::string& write(const std::uint8_t* data, std::size_t size) const;

private:
    std::filesystem::path m_dir;
    std::string m_path;
};

// Runs `read`; bad input is a normal outcome.
template <typename F>
void read_expecting_input_errors(F read) {
    try {
        read();
    } catch (const input_error&) {
    }
}

}  // namespace aimcsim::fuzz
