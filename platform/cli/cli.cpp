#include "platform/cli/cli.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>

#include "sw/ir/input_error.h"

namespace aimcsim::platform {
namespace {

struct command {
    std::function<int(const arguments&)> run;
    const char* summary;
};

const std::map<std::string, command>& commands() {
    static const std::map<std::string, command> table = {
        {"run", {run_command, "compile a network (or load a schedule), simulate it, report"}},
        {"compile", {compile_command, "compile a network to a schedule file and print its mapping"}},
        {"tile-report", {tile_report_command, "latency, energy and area of one MVM on the configured tile"}},
        {"noc", {noc_command, "synthetic traffic on the mesh NoC: latency, throughput, energy"}},
        {"sweep", {sweep_command, "run a what-if study: many points, in parallel processes, resumable"}},
        {"info", {info_command, "describe an architecture: mesh layout, units, area"}},
    };
    return table;
}

void print_help(std::ostream& out) {
    out << "aimcsim: a SystemC/TLM-2.0 virtual platform of multi-tile analogue in-memory computing "
           "accelerators\n\nusage: aimcsim <command> [options]    (aimcsim <command> --help for details)\n\n"
           "commands:\n";
    for (const auto& [name, c] : commands()) out << "  " << name << std::string(14 - name.size(), ' ') << c.summary << '\n';
    out << "\nexit status: 0 ok, 1 internal failure, 2 bad input\n";
}

// Output written to a full disk or a closed pipe (--json > /dev/full) is an error, not success.
void check_stdout() {
    std::cout.flush();
    if (!std::cout) throw input_error(std::string("standard output: cannot write (") + std::strerror(errno) + ")");
}

}  // namespace

int cli_main(int argc, char** argv) {
    const arguments args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_help(std::cout);
        return args.empty() ? 2 : 0;
    }
    try {
        const auto it = commands().find(args[0]);
        if (it == commands().end()) throw input_error("unknown command \"" + args[0] + "\" (see aimcsim --help)");
        const int status = it->second.run(arguments(args.begin() + 1, args.end()));
        check_stdout();
        return status;
    } catch (const input_error& e) {
        std::cerr << "aimcsim: error: " << e.what() << '\n';
        return 2;
    } catch (const std::filesystem::filesystem_error& e) {  // the environment, not the tool: a path is named
        std::cerr << "aimcsim: error: " << e.path1().string() << ": " << e.code().message() << '\n';
        return 2;
    } catch (const std::bad_alloc&) {
        std::cerr << "aimcsim: internal failure: out of memory\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "aimcsim: internal failure (a bug in aimcsim, please report it with the command line): "
                  << e.what() << '\n';
        return 1;
    }
}

}  // namespace aimcsim::platform
