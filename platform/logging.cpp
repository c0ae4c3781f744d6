#include "platform/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <systemc>

#include "sw/ir/input_error.h"

namespace aimcsim::platform {
namespace {

// %* in the pattern: the SystemC simulated time.
class sim_time_flag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
        fmt::format_to(std::back_inserter(dest), "{:.3f} ns", sc_core::sc_time_stamp().to_seconds() * 1e9);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<sim_time_flag>();
    }
};

}  // namespace

void setup_logging(const std::string& level) {
    const auto parsed = spdlog::level::from_str(level);
    if (parsed == spdlog::level::off && level != "off")
        throw input_error("--log-level: unknown level \"" + level +
                          "\"; expected trace|debug|info|warn|error|off");
    auto logger = spdlog::stderr_color_mt("aimcsim");
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<sim_time_flag>('*').set_pattern("[%*] [%n] [%^%l%$] %v");
    logger->set_formatter(std::move(formatter));
    logger->set_level(parsed);
    spdlog::set_default_logger(logger);
}

}  // namespace aimcsim::platform
