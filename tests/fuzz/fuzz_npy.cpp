// Fuzz target: a .npy file into read_npy, as `aimcsim run --mode functional --inputs FILE` reads it.
#include "fuzz_input.h"
#include "platform/npy_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const aimcsim::fuzz::input_file file("input.npy");
    const std::string& path = file.write(data, size);
    aimcsim::fuzz::read_expecting_input_errors([&] { aimcsim::platform::read_npy(path); });
    return 0;
}
