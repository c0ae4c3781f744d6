#include "models/common/activity_log.h"

namespace aimcsim::models {

int activity_log::add_track(const std::string& scope, const std::string& name) {
    m_tracks.push_back({scope, name, 0});
    m_last.push_back(std::string::npos);
    return static_cast<int>(m_tracks.size()) - 1;
}

int activity_log::add_value_track(const std::string& scope, const std::string& name, unsigned bits) {
    const int id = add_track(scope, name);
    m_tracks[id].bits = bits;
    return id;
}

void activity_log::append(int id, std::uint64_t start_ps, std::uint64_t end_ps, int label) {
    std::size_t& last = m_last[id];
    if (last != std::string::npos && m_intervals[last].end_ps == start_ps && m_intervals[last].label == label) {
        m_intervals[last].end_ps = end_ps;
        return;
    }
    last = m_intervals.size();
    m_intervals.push_back({id, start_ps, end_ps, label});
}

}  // namespace aimcsim::models
