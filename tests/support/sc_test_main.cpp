// sc_main for SystemC test binaries: libsystemc defines main() and calls sc_main.
// SystemC errors throw (SC_THROW), so GoogleTest reports them as test failures.
#include <gtest/gtest.h>
#include <systemc>

int sc_main(int argc, char* argv[]) {
    sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_THROW);
    sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_THROW);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
