#include "fuzz_input.h"

#include <algorithm>
#include <fstream>

#include <unistd.h>

namespace fs = std::filesystem;

// libsystemc refers to sc_main; the fuzz targets never elaborate a design, and libFuzzer has main().
extern "C" int sc_main(int, char*[]) { return 1; }

namespace aimcsim::fuzz {

namespace {

// Per process, and of one length whatever the process id, so that the paths in error messages (and
// the coverage of the code that builds them) do not change from run to run.
std::string scratch_name() {
    const std::string pid = std::to_string(::getpid());
    return "aimcsim_fuzz_" + std::string(10 - std::min<std::size_t>(pid.size(), 10), '0') + pid;
}

}  // namespace

fs::path source_path(const std::string& relative) { return fs::path(AIMCSIM_SOURCE_DIR) / relative; }

std::vector<fs::path> files_of(const std::string& relative_folder) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(source_path(relative_folder)))
        if (entry.is_regular_file()) files.push_back(entry.path());
    return files;
}

input_file::input_file(const std::string& name, const std::vector<std::pair<std::string, fs::path>>& links)
    : m_dir(fs::temp_directory_path() / scratch_name()) {
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    for (const auto& [link, target] : links) fs::create_symlink(target, m_dir / link);
    const fs::path path = m_dir / name;
    fs::create_directories(path.parent_path());
    m_path = path.string();
}

input_file::~input_file() {
    std::error_code ignored;
    fs::remove_all(m_dir, ignored);
}

const std::string& input_file::write(const std::uint8_t* data, std::size_t size) const {
    std::ofstream(m_path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data), std::streamsize(size));
    return m_path;
}

}  // namespace aimcsim::fuzz
