#pragma once
// The aimcsim command line: `aimcsim <command> [options]`. Exit codes: 0 ok, 1 internal
// failure, 2 bad input (the message names the file, key or flag and what was expected).
#include <string>
#include <vector>

namespace aimcsim::platform {

using arguments = std::vector<std::string>;

int cli_main(int argc, char** argv);

// One function per subcommand; each parses its own options (args exclude the command name).
int run_command(const arguments& args);
int compile_command(const arguments& args);
int info_command(const arguments& args);
int tile_report_command(const arguments& args);
int noc_command(const arguments& args);
int sweep_command(const arguments& args);

}  // namespace aimcsim::platform
