#pragma once
// Writes a GTKWave save file (.gtkw) for a VCD written by write_vcd: the signals grouped by unit
// kind and mesh row, so opening it shows the chip row by row.
#include <ostream>
#include <string>

#include "models/common/activity_log.h"
#include "traces/vcd_writer.h"

namespace aimcsim::traces {

void write_gtkw(const models::activity_log& log, const std::string& vcd_path, std::ostream& out,
                const trace_filter& filter);

}  // namespace aimcsim::traces
