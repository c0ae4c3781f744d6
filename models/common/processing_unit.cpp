#include "models/common/processing_unit.h"

#include <algorithm>
#include <sstream>

#include <spdlog/spdlog.h>

namespace aimcsim::models {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace {

power_config always_on() {
    power_config c;
    c.power_gating = false;
    return c;
}

}  // namespace

processing_unit::processing_unit(const sc_core::sc_module_name& name, const unit_context& context,
                                 const std::string& trace_scope, double static_mw)
    : sc_module(name),
      to_noc("to_noc"),
      from_noc("from_noc"),
      m_context(context),
      m_power(context.power ? *context.power : always_on()) {
    m_ledger_id = context.ledger->add_component(basename(), static_mw);
    m_track = context.activity->add_track(trace_scope, basename());
    from_noc.register_nb_transport_fw(this, &processing_unit::on_message);
    SC_HAS_PROCESS(processing_unit);
    SC_METHOD(arbitrate);
    sensitive << m_datapath_event;
    dont_initialize();
}

void processing_unit::load_program(const program& streams, int inferences) {
    m_inferences = inferences;
    m_released = 0;
    const std::size_t first = m_streams.size();  // earlier phases' streams have finished
    for (const auto& code : streams) {
        for (const instruction& in : code)
            if (in.op == opcode::recv) m_stream_of_tag[in.tag] = m_streams.size();
        m_streams.push_back({});
        m_streams.back().code = code;
        m_streams.back().receivers.resize(code.size());
        m_streams.back().resolved.resize(code.size(), false);
    }
    sc_core::sc_spawn_options options;
    options.spawn_method();
    for (std::size_t i = first; i < m_streams.size(); ++i)
        sc_core::sc_spawn(sc_bind(&processing_unit::run, this, i),
                          sc_core::sc_gen_unique_name("stream"), &options);
}

void processing_unit::set_peers(const std::vector<processing_unit*>* units, unsigned buffered_inferences) {
    m_peers = units;
    m_buffered_inferences = buffered_inferences;
}

// Every unit's program is loaded before its phase runs, so the first run can resolve them.
const std::vector<processing_unit::receiver>& processing_unit::receivers_of(stream& s, const instruction& send) const {
    if (s.resolved[s.pc]) return s.receivers[s.pc];
    for (int node : send.destinations) {
        const processing_unit* to = (*m_peers)[std::size_t(node)];
        if (!to) continue;
        const auto it = to->m_stream_of_tag.find(send.tag);
        if (it != to->m_stream_of_tag.end()) s.receivers[s.pc].push_back({to, it->second});
    }
    s.resolved[s.pc] = true;
    return s.receivers[s.pc];
}

const processing_unit* processing_unit::full_destination(stream& s, const instruction& send) const {
    if (!m_peers || m_buffered_inferences == 0) return nullptr;
    for (const receiver& r : receivers_of(s, send))
        if (s.inference - r.unit->m_streams[r.stream].inference >= int(m_buffered_inferences)) return r.unit;
    return nullptr;
}

bool processing_unit::finished() const {
    for (const auto& s : m_streams)
        if (s.inference < m_inferences) return false;
    return true;
}

std::string processing_unit::stall_reason() const {
    std::ostringstream out;
    for (std::size_t i = 0; i < m_streams.size(); ++i) {
        const stream& s = m_streams[i];
        if (s.inference >= m_inferences) continue;
        const instruction& in = s.code[s.pc];
        out << name() << " stream " << i << " inference " << s.inference << " instruction " << s.pc
            << " (" << to_string(in.op);
        if (in.op == opcode::recv)
            out << " tag " << in.tag << ": has " << received_count(in.tag, s.inference - in.previous) << " of "
                << in.count << " messages";
        out << ")\n";
    }
    return out.str();
}

void processing_unit::run(std::size_t index) {
    stream& s = m_streams[index];
    while (s.inference < m_inferences)
        if (!step(s)) return;
}

bool processing_unit::step(stream& s) {
    if (s.pc == 0 && s.work == stream::work_state::none && s.starts.size() == static_cast<std::size_t>(s.inference))
        s.starts.push_back(sc_core::sc_time_stamp());
    const instruction& in = s.code[s.pc];
    if (!skipped(s, in)) switch (in.op) {
    case opcode::recv:
        if ((!in.previous || s.inference > 0) && received(in.tag, s.inference - in.previous) < in.count) {
            sc_core::next_trigger(m_message_event);
            return false;
        }
        break;
    case opcode::send:
        if (const processing_unit* full = full_destination(s, in)) {
            sc_core::next_trigger(full->m_progress_event);
            return false;
        }
        send(s, at_step(s, in));
        break;
    default:
        if (!compute(s)) return false;
    }
    if (++s.pc == s.code.size()) {
        spdlog::debug("{}: stream {} finished inference {}", name(), &s - m_streams.data(), s.inference);
        s.ends.push_back(sc_core::sc_time_stamp());
        m_progress_event.notify(SC_ZERO_TIME);
        s.pc = 0;
        finish_inference(s);
    }
    return true;
}

void processing_unit::finish_inference(stream& s) {
    ++s.inference;
    if (!m_context.values) return;
    int done = m_inferences;
    for (const stream& other : m_streams) done = std::min(done, other.inference);
    for (; m_released < done; ++m_released) m_context.values->release(node(), m_released);
}

// A stream's compute work: requested, granted by arbitrate(), done at its end.
bool processing_unit::compute(stream& s) {
    const sc_time now = sc_core::sc_time_stamp();
    switch (s.work) {
    case stream::work_state::none:
        if (m_requests.empty() && m_datapath_free <= now) {  // nothing to arbitrate: start now
            start(s, now);
            m_datapath_event.notify(s.work_end - now);  // arbitrate the requests made meanwhile
            sc_core::next_trigger(s.work_end - now);
            return false;
        }
        s.work = stream::work_state::requested;
        s.request = m_next_request++;
        m_requests.push_back(std::size_t(&s - m_streams.data()));
        if (m_datapath_free <= now) m_datapath_event.notify(SC_ZERO_TIME);  // else arbitrate wakes when free
        sc_core::next_trigger(*s.granted);
        return false;
    case stream::work_state::requested:
        sc_core::next_trigger(*s.granted);
        return false;
    case stream::work_state::granted:
        if (now < s.work_end) {
            sc_core::next_trigger(s.work_end - now);
            return false;
        }
        s.work = stream::work_state::none;
        return true;
    }
    return true;
}

void processing_unit::arbitrate() {
    const sc_time now = sc_core::sc_time_stamp();
    if (m_datapath_free > now) {
        sc_core::next_trigger(m_datapath_free - now);
        return;
    }
    if (m_requests.empty()) return;  // until the next request
    const auto oldest = std::min_element(m_requests.begin(), m_requests.end(), [&](std::size_t a, std::size_t b) {
        const stream &x = m_streams[a], &y = m_streams[b];
        return x.inference != y.inference ? x.inference < y.inference : x.request < y.request;
    });
    stream& s = m_streams[*oldest];
    m_requests.erase(oldest);
    start(s, now);
    s.granted->notify(SC_ZERO_TIME);
    sc_core::next_trigger(m_datapath_free - now);  // the next grant, when the datapath is free
}

const instruction& processing_unit::at_step(const stream& s, const instruction& in) {
    if (!in.per_token) return in;
    m_grown = in;
    m_grown.amount() = in.amount_at(std::uint64_t(s.inference));
    return m_grown;
}

void processing_unit::start(stream& s, const sc_time& now) {
    const instruction& in = at_step(s, s.code[s.pc]);
    const sc_time begin = m_power.start_work(now);
    if (m_context.values && in.slice) m_context.values->compute(node(), s.inference, in, *in.slice, *in.reads);
    const sc_time duration = execute(in);
    m_datapath_free = begin + duration;
    m_power.end_work(m_datapath_free);
    m_busy += duration;
    record(in.layer, s.inference, begin, m_datapath_free);
    activity().record(m_track, begin, m_datapath_free, activity_label(in.op, in.layer));
    s.work = stream::work_state::granted;
    s.work_end = m_datapath_free;
}

void processing_unit::close_power(const sc_time& run) {
    if (m_context.power) ledger().set_residency(m_ledger_id, residency(run));
}

void processing_unit::record(int layer, int inference, const sc_time& start, const sc_time& end) {
    if (layer < 0) return;
    layer_time& t = m_layer_times[layer];
    t.busy += end - start;
    if (inference != 0) return;
    if (!t.seen || start < t.first_start) t.first_start = start;
    if (!t.seen || end > t.last_end) t.last_end = end;
    t.seen = true;
}

static std::uint64_t received_key(int tag, int inference) {
    return std::uint64_t(std::uint32_t(tag)) << 32 | std::uint32_t(inference);
}

std::uint64_t& processing_unit::received(int tag, int inference) {
    return m_received[received_key(tag, inference)];
}

std::uint64_t processing_unit::received_count(int tag, int inference) const {
    const auto it = m_received.find(received_key(tag, inference));
    return it == m_received.end() ? 0 : it->second;
}

void processing_unit::send(const stream& s, const instruction& instr) {
    tlm::tlm_generic_payload* payload = m_context.pool->acquire();
    message_ext& msg = message_of(*payload);
    msg.source = node();
    msg.destinations = instr.destinations;
    msg.tag = instr.tag;
    msg.inference = s.inference;
    msg.layer = instr.layer;
    msg.bytes = instr.bytes;
    if (m_context.values && instr.slice) {
        m_context.values->read(node(), s.inference, *instr.slice, msg.data);
        msg.slice = instr.slice;
    }
    prepare_message(*payload);
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_time delay = SC_ZERO_TIME;
    to_noc->nb_transport_fw(*payload, phase, delay);
    payload->release();
}

tlm::tlm_sync_enum processing_unit::on_message(tlm::tlm_generic_payload& payload, tlm::tlm_phase&,
                                               sc_time&) {
    const message_ext& msg = message_of(payload);
    spdlog::trace("{}: message tag {} inference {} from node {}, {} bytes", name(), msg.tag, msg.inference,
                  msg.source, msg.bytes);
    if (m_context.values && msg.slice) m_context.values->write(node(), msg.inference, *msg.slice, msg.data);
    ++received(msg.tag, msg.inference);
    m_power.message_arrived(sc_core::sc_time_stamp());
    m_message_event.notify(SC_ZERO_TIME);
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
    return tlm::TLM_COMPLETED;
}

}  // namespace aimcsim::models
