// Fuzz target: a system file into load_system, with each chip's routes and hops, as
// `aimcsim info --system FILE` and `aimcsim run --system FILE` read it.
#include "fuzz_input.h"
#include "platform/config/system_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The input sits where the presets do, so their ../configs paths (and the fixtures' ../arch) resolve.
    static const aimcsim::fuzz::input_file file(
        "systems/input.yaml",
        {{"configs", aimcsim::fuzz::source_path("platform/configs")}, {"arch", aimcsim::fuzz::source_path("tests/data/arch")}});
    const std::string& path = file.write(data, size);
    using namespace aimcsim::platform;
    aimcsim::fuzz::read_expecting_input_errors([&] {
        const system_config system = load_system(path);
        for (std::size_t a = 0; a < system.chips.size(); ++a) system.hops_from(int(a));
        system.route(0, int(system.chips.size()) - 1);
    });
    return 0;
}
