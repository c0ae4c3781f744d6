// Fuzz target: architecture YAML into load_arch and to_target, as `aimcsim run --arch FILE` reads it.
#include "fuzz_input.h"
#include "platform/config/arch_config.h"

namespace {

// The presets and the architecture fixtures sit beside the input, so a seed's `base:` resolves.
std::vector<std::pair<std::string, std::filesystem::path>> base_files() {
    std::vector<std::pair<std::string, std::filesystem::path>> links;
    for (const char* folder : {"platform/configs", "tests/data/arch"})
        for (const auto& file : aimcsim::fuzz::files_of(folder)) links.emplace_back(file.filename().string(), file);
    return links;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const aimcsim::fuzz::input_file file("input.yaml", base_files());
    const std::string& path = file.write(data, size);
    using namespace aimcsim::platform;
    aimcsim::fuzz::read_expecting_input_errors([&] { to_target(load_arch(path)); });
    return 0;
}
