// sc_main for SystemC test binaries: libsystemc defines main() and calls sc_main.
// SystemC errors throw (SC_THROW), so GoogleTest reports them as test failures. The benchmark
// binary (AIMCSIM_BENCH) runs Google Benchmark instead.
#include <systemc>
#ifdef AIMCSIM_BENCH
#include <benchmark/benchmark.h>
#else
#include <gtest/gtest.h>
#endif

int sc_main(int argc, char* argv[]) {
    sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_THROW);
    sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_THROW);
#ifdef AIMCSIM_BENCH
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
#else
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
#endif
}
