// aimcsim: libsystemc defines main() and calls sc_main.
#include <systemc>

#include "platform/cli/cli.h"

int sc_main(int argc, char* argv[]) {
    sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_THROW);
    sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_THROW);
    return aimcsim::platform::cli_main(argc, argv);
}
