#include "models/noc/flit_router.h"

#include <algorithm>

namespace aimcsim::models {

flit_router::flit_router(int node, unsigned vcs, unsigned depth)
    : m_node(node), m_vcs(vcs), m_depth(depth), m_in(ports * vcs), m_out(ports * vcs) {
    for (auto& v : m_in) v.ring.resize(depth);
    for (auto& o : m_out) o.credits = depth;
}

void flit_router::accept(int port, int vc, const flit& f) {
    input_vc& v = in(port, vc);
    v.ring[(v.head + v.size) % m_depth] = f;
    ++v.size;
    ++m_occupancy;
}

unsigned flit_router::outputs_of(const flit_packet& p, const mesh_geometry& geometry) const {
    unsigned mask = 0;
    for (const int d : p.destinations)
        if (geometry.passes(p.source, m_node, d)) mask |= 1u << geometry.next(m_node, d);
    return mask;
}

bool flit_router::allocate_vc(input_vc& v, unsigned outputs) {
    std::vector<branch> chosen;
    for (int port = 0; port < ports; ++port) {
        if (!(outputs >> port & 1u)) continue;
        int vc = -1;  // the free VC with the most room downstream; the interface takes one packet at a time
        const int vcs = port == local ? 1 : static_cast<int>(m_vcs);
        for (int k = 0; k < vcs; ++k)
            if (!out(port, k).busy && (vc < 0 || out(port, k).credits > out(port, vc).credits)) vc = k;
        if (vc < 0) return false;  // all or nothing
        chosen.push_back({port, vc});
    }
    for (const branch& b : chosen) out(b.port, b.vc).busy = true;
    v.branches = std::move(chosen);
    return true;
}

void flit_router::allocate(std::uint64_t now, const std::vector<flit_packet>& packets, const mesh_geometry& geometry) {
    const unsigned n = ports * m_vcs;
    for (unsigned i = 0; i < n; ++i) {
        const unsigned k = (m_rr_alloc + i) % n;
        input_vc& v = m_in[k];
        if (v.size == 0 || !v.branches.empty() || v.ring[v.head].ready > now) continue;
        if (allocate_vc(v, outputs_of(packets[v.ring[v.head].packet], geometry))) m_rr_alloc = k + 1;
    }
}

bool flit_router::sendable(const input_vc& v, const branch& b, std::uint64_t now) const {
    const std::uint32_t k = b.next - v.popped;
    if (k >= v.size || at(v, k).index != b.next || at(v, k).ready > now) return false;
    return b.port == local || m_out[b.port * m_vcs + b.vc].credits > 0;
}

void flit_router::pop_sent(int port, int vc, const flit_packet& p, std::vector<freed_slot>& freed) {
    input_vc& v = in(port, vc);
    std::uint32_t sent = p.flits;
    for (const branch& b : v.branches) sent = std::min(sent, b.next);
    for (; v.popped < sent; ++v.popped) {
        v.head = (v.head + 1) % m_depth;
        --v.size;
        --m_occupancy;
        freed.push_back({port, vc});
    }
    if (v.popped == p.flits) {
        v.branches.clear();
        v.popped = 0;
    }
}

void flit_router::step(std::uint64_t now, const std::vector<flit_packet>& packets, const mesh_geometry& geometry,
                       std::vector<move>& moves, std::vector<freed_slot>& freed) {
    allocate(now, packets, geometry);
    // Input stage: one VC per input port; `requests[o]` = input ports asking for output o.
    int chosen[ports];
    unsigned requests[ports] = {};
    for (int p = 0; p < ports; ++p) {
        chosen[p] = -1;
        for (unsigned i = 0; i < m_vcs && chosen[p] < 0; ++i) {
            const int vc = static_cast<int>((m_rr_in[p] + i) % m_vcs);
            const input_vc& v = in(p, vc);
            for (const branch& b : v.branches)
                if (sendable(v, b, now)) {
                    chosen[p] = vc;
                    requests[b.port] |= 1u << p;
                }
        }
    }
    // Output stage: each output grants one requesting input, round robin.
    bool granted_input[ports] = {};
    for (int o = 0; o < ports; ++o) {
        if (!requests[o]) continue;
        int p = static_cast<int>(m_rr_out[o]);
        while (!(requests[o] >> p & 1u)) p = (p + 1) % ports;
        m_rr_out[o] = (p + 1) % ports;
        m_rr_in[p] = (chosen[p] + 1) % m_vcs;
        granted_input[p] = true;
        input_vc& v = in(p, chosen[p]);
        branch& b = *std::find_if(v.branches.begin(), v.branches.end(), [o](const branch& x) { return x.port == o; });
        const flit f = at(v, b.next - v.popped);
        ++b.next;
        if (o != local) --out(o, b.vc).credits;
        if (b.next == packets[f.packet].flits) out(o, b.vc).busy = false;  // tail sent
        moves.push_back({o, b.vc, f});
    }
    for (int p = 0; p < ports; ++p)
        if (granted_input[p]) {
            const input_vc& v = in(p, chosen[p]);
            pop_sent(p, chosen[p], packets[v.ring[v.head].packet], freed);
        }
}

}  // namespace aimcsim::models
