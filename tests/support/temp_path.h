#pragma once
// Temporary paths of the running test process. ctest runs tests in parallel, each in its own process, so a
// name shared by two tests of one file must not meet in the same path: the process id keeps them apart.
#include <filesystem>
#include <string>

#include <unistd.h>

namespace aimcsim::test {

inline std::filesystem::path temp_path(const std::string& name) {
    return std::filesystem::temp_directory_path() / ("aimcsim_" + std::to_string(::getpid()) + "_" + name);
}

}  // namespace aimcsim::test
