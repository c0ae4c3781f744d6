#pragma once
// Writes the recorded activity as a timeline in the Chrome trace-event JSON format, which
// Perfetto (ui.perfetto.dev) and chrome://tracing open: one process per unit kind, one thread
// per unit or link, one span per piece of work or NoC transfer, named by `label_name`. Tracks
// named in `ranked` (track name -> rank, 1 first) are listed first, their names marked
// "[bottleneck N]".
#include <functional>
#include <map>
#include <ostream>
#include <string>

#include "models/common/activity_log.h"
#include "traces/vcd_writer.h"

namespace aimcsim::traces {

using label_namer = std::function<std::string(int label)>;
using track_ranks = std::map<std::string, int>;

void write_timeline(const models::activity_log& log, std::ostream& out, const trace_filter& filter,
                    const label_namer& label_name, const track_ranks& ranked = {});

}  // namespace aimcsim::traces
