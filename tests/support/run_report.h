#pragma once
// A run of the aimcsim binary in a test: its report, or a test failure.
#include <string>

#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace aimcsim::test {

// `aimcsim run ARGS -o DIR` in a fresh directory named after `name`; its report.json.
inline nlohmann::json run_report(const std::string& args, const std::string& name) {
    const auto dir = temp_dir(name);
    const auto r = run_cli("run " + args + " -o " + dir.string(), dir);
    EXPECT_EQ(r.status, 0) << args << ": " << r.err;
    return r.status == 0 ? read_json(dir / "report.json") : nlohmann::json::object();
}

}  // namespace aimcsim::test
