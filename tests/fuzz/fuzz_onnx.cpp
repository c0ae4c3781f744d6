// Fuzz target: ONNX bytes into load_network_onnx, as `aimcsim compile FILE.onnx` reads them.
#include "fuzz_input.h"
#include "sw/frontend/onnx_network.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const aimcsim::fuzz::input_file file("input.onnx");
    const std::string& path = file.write(data, size);
    aimcsim::fuzz::read_expecting_input_errors([&] { aimcsim::sw::load_network_onnx(path); });
    return 0;
}
