// Fuzz target: a YAML network file into load_network_yaml, as `aimcsim compile FILE.yaml` reads it.
#include "fuzz_input.h"
#include "sw/frontend/yaml_network.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const aimcsim::fuzz::input_file file("input.yaml");
    const std::string& path = file.write(data, size);
    aimcsim::fuzz::read_expecting_input_errors([&] { aimcsim::sw::load_network_yaml(path); });
    return 0;
}
