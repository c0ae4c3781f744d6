#pragma once
// Every file the tool writes (schedules, reports, CSVs, traces, job scripts) goes through here:
// written to a temporary file in the same folder and renamed over the target once complete, so an
// interrupted run, a full disk or a write error leaves the previous file (or none), never half of
// one. Problems are input_errors naming the path (exit 2).
#include <functional>
#include <ostream>
#include <string>

namespace aimcsim::sw {

// `what` names the file in messages ("the schedule", "the VCD").
void write_file_atomically(const std::string& path, const std::string& what,
                           const std::function<void(std::ostream&)>& write);

// Before a long run: creates `path`'s folder if needed and checks that a file can be created
// there, so an unwritable output fails at once instead of after the simulation.
void check_writable(const std::string& path, const std::string& what);

}  // namespace aimcsim::sw
