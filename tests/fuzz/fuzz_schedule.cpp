// Fuzz target: a schedule file into load_schedule, as `aimcsim run --schedule FILE` reads it.
#include "fuzz_input.h"
#include "sw/schedule/schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const aimcsim::fuzz::input_file file("input.json");
    const std::string& path = file.write(data, size);
    aimcsim::fuzz::read_expecting_input_errors([&] { aimcsim::sw::load_schedule(path); });
    return 0;
}
