#include "sw/common/output_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "sw/ir/input_error.h"

namespace aimcsim::sw {
namespace {

namespace fs = std::filesystem;

std::string partial_of(const std::string& path) { return path + ".partial"; }

[[noreturn]] void fail(const std::string& path, const std::string& what, const std::string& problem) {
    throw input_error(path + ": cannot write " + what + " (" + problem + "); expected a writable path");
}

void make_folder(const std::string& path, const std::string& what) {
    const fs::path folder = fs::path(path).parent_path();
    std::error_code error;
    if (!folder.empty()) fs::create_directories(folder, error);
    if (error) fail(path, what, error.message());
    if (fs::is_directory(path, error)) fail(path, what, "it is a folder");
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& what,
                           const std::function<void(std::ostream&)>& write) {
    make_folder(path, what);
    const std::string partial = partial_of(path);
    const auto discard = [&] {
        std::error_code ignored;
        fs::remove(partial, ignored);
    };
    {
        std::ofstream out(partial);
        if (!out) fail(path, what, std::strerror(errno));
        try {
            write(out);
        } catch (...) {
            out.close();
            discard();
            throw;
        }
        out.flush();
        if (!out) {
            const std::string problem = std::strerror(errno);
            out.close();
            discard();
            fail(path, what, problem);
        }
    }
    std::error_code error;
    fs::rename(partial, path, error);
    if (error) fail(path, what, error.message());
}

void check_writable(const std::string& path, const std::string& what) {
    make_folder(path, what);
    const std::string partial = partial_of(path);
    const bool created = std::ofstream(partial).is_open();
    const std::string problem = std::strerror(errno);
    std::error_code ignored;
    fs::remove(partial, ignored);
    if (!created) fail(path, what, problem);
}

}  // namespace aimcsim::sw
