#pragma once
// Benchmarks that time the aimcsim binary: SystemC allows one elaboration per process.
#include <array>
#include <cstdio>
#include <memory>
#include <string>

namespace aimcsim::bench {

// Runs a shell command and returns its standard output.
inline std::string run(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) return "";
    std::string out;
    std::array<char, 4096> chunk;
    while (std::size_t n = std::fread(chunk.data(), 1, chunk.size(), pipe.get())) out.append(chunk.data(), n);
    return out;
}

}  // namespace aimcsim::bench
