// Fuzz target: a study file into load_study and resolve_study, as `aimcsim sweep STUDY.yaml` reads
// it before the first point runs.
#include "fuzz_input.h"
#include "platform/study/resolved_study.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The input sits where the repo's studies do, so their ../platform and ../sw paths resolve.
    static const aimcsim::fuzz::input_file file(
        "studies/input.yaml",
        {{"platform", aimcsim::fuzz::source_path("platform")}, {"sw", aimcsim::fuzz::source_path("sw")}});
    const std::string& path = file.write(data, size);
    using namespace aimcsim::platform;
    aimcsim::fuzz::read_expecting_input_errors([&] { resolve_study(load_study(path), true); });
    return 0;
}
