// Compiles a zoo network for the default preset through the installed libraries, both found from
// the data folder (AIMCSIM_DATA), and prints what the schedule holds.
#include <iostream>

#include "platform/cli/options.h"

int sc_main(int, char*[]) {
    using namespace aimcsim::platform;
    const arch_config arch = load_arch(default_arch_path());
    const aimcsim::sw::schedule schedule = compile_network(resolve_network("resnet18"), arch);
    std::cout << schedule.network << " on " << schedule.arch << ": " << schedule.units.size() << " units, "
              << schedule.static_macs << " MACs\n";
    return 0;
}
