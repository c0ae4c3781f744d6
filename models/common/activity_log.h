#pragma once
// Busy intervals of named tracks (a tile, a core, a link), recorded only when tracing is on.
// Models record intervals, possibly in the future (a reserved link); traces/ turns them into
// a VCD or a timeline after the run, so a run that traces nothing pays one branch per event.
#include <cstdint>
#include <string>
#include <vector>

#include "models/common/units.h"

namespace aimcsim::models {

class activity_log {
public:
    struct track {
        std::string scope;  // "tiles", "cores", "memory", "noc"
        std::string name;   // e.g. "tile_3_4", "link_3_4_east"
        unsigned bits = 0;  // 0: a busy wire (intervals); otherwise a value track (samples)
    };
    struct interval {
        int track;
        std::uint64_t start_ps;
        std::uint64_t end_ps;
        int label;          // what the track did (see activity_label); -1: unlabelled
    };
    struct sample {         // a value track's new value (e.g. a buffer's occupancy)
        int track;
        std::uint64_t ps;
        std::uint64_t value;
    };

    explicit activity_log(bool enabled = false) : m_enabled(enabled) {}
    bool enabled() const { return m_enabled; }

    int add_track(const std::string& scope, const std::string& name);
    void record(int id, const sc_core::sc_time& start, const sc_core::sc_time& end, int label = -1) {
        if (m_enabled && end > start) append(id, to_ps(start), to_ps(end), label);
    }

    // A track holding a value of `bits` bits, recorded as samples in time order.
    int add_value_track(const std::string& scope, const std::string& name, unsigned bits);
    void record_value(int id, const sc_core::sc_time& at, std::uint64_t value) {
        if (m_enabled) m_samples.push_back({id, to_ps(at), value});
    }

    const std::vector<track>& tracks() const { return m_tracks; }
    const std::vector<interval>& intervals() const { return m_intervals; }
    const std::vector<sample>& samples() const { return m_samples; }

private:
    // Merges an interval into the track's previous one when they abut and share the label.
    void append(int id, std::uint64_t start_ps, std::uint64_t end_ps, int label);

    bool m_enabled;
    std::vector<std::size_t> m_last;  // per track: index of its latest interval, or npos
    std::vector<track> m_tracks;
    std::vector<interval> m_intervals;
    std::vector<sample> m_samples;
};

}  // namespace aimcsim::models
