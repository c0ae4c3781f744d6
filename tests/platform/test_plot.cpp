// tools/plot.py turns a report and a sweep CSV into PNGs.
#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

bool is_png(const std::filesystem::path& path) { return slurp(path).rfind("\x89PNG", 0) == 0; }

TEST(Plot, ReportAndSweepPngs) {
    const auto dir = temp_dir("plot");
    ASSERT_EQ(run_cli("run --network cnn --inferences 2 -o " + dir.string(), dir).status, 0);
    const std::string plot = "/usr/bin/python3 " + source_path("tools/plot.py");
    ASSERT_EQ(std::system((plot + " report " + (dir / "report.json").string() + " -o " + (dir / "png").string() +
                           " > /dev/null").c_str()), 0);
    for (const char* png : {"temporal_utilization.png", "spatial_utilization.png", "energy_breakdown.png", "layer_energy.png"})
        EXPECT_TRUE(is_png(dir / "png" / png)) << png;

    std::ofstream(dir / "r.csv") << "point,status,tile.adc.bits,tile.rows,tops_per_w\n0,ok,4,256,7.5\n1,ok,4,512,11.6\n"
                                    "2,ok,8,256,6.9\n3,ok,8,512,10.8\n4,failed,9,256,,\n";
    ASSERT_EQ(std::system((plot + " sweep " + (dir / "r.csv").string() + " --x tile.adc.bits --y tops_per_w --group "
                           "tile.rows -o " + (dir / "s.png").string() + " > /dev/null").c_str()), 0);
    EXPECT_TRUE(is_png(dir / "s.png"));
    EXPECT_NE(std::system((plot + " sweep " + (dir / "r.csv").string() + " --x nope --y tops_per_w -o " +
                           (dir / "t.png").string() + " 2> /dev/null").c_str()), 0);
    ASSERT_EQ(std::system((plot + " compare " + (dir / "r.csv").string() + " " + (dir / "r.csv").string() +
                           " --x tile.rows --y tops_per_w tile.adc.bits -o " + (dir / "c.png").string() + " > /dev/null")
                              .c_str()), 0);
    EXPECT_TRUE(is_png(dir / "c.png"));
}

}  // namespace
}  // namespace aimcsim::test
