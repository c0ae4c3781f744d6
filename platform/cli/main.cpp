// aimcsim entry point. SystemC's own main() would print its banner before sc_main runs, so
// main() silences it first and then hands over to the kernel, which calls sc_main.
#include <cstdlib>

#include <systemc>

#include "platform/cli/cli.h"

int sc_main(int argc, char* argv[]) {
    sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_THROW);
    sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_THROW);
    return aimcsim::platform::cli_main(argc, argv);
}

int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
