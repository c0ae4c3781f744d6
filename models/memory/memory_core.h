#pragma once
// A memory core at a mesh node: a scratchpad (staging activations and sequences) plus a small
// vector datapath for `op`s from its function table (as a digital core).
//
// load reads and store writes instr.bytes on the scratchpad by nb_transport_fw, which the
// scratchpad completes at once (the work runs in a method process, which may not call
// b_transport: rule 11.1.1.4 b); the instruction takes the annotated delay. The schedule carries
// no addresses, so an access starts at address 0 and is split into transactions of at most the
// scratchpad's size. No values move (functional mode keeps them in the chip's values), so each
// transaction is a TLM_IGNORE_COMMAND whose scratchpad_access says read or write.
//
// An off-chip access (instr.dram_chunk_bytes > 0) moves its tensor between the shared DRAM channel
// and the scratchpad in chunks of that size, through one staging buffer, or two when the
// scratchpad is double-buffered: a load reads chunk i from DRAM into a free buffer, then writes it
// to the scratchpad and reads it out toward the NoC; a store writes a chunk into a free buffer and
// reads it out, then writes it to DRAM. A buffer is free again when its chunk has left it, so the
// DRAM transfer of one chunk overlaps the scratchpad accesses of the other. The instruction ends
// when the last chunk has.
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/common/processing_unit.h"
#include "models/digital/core_config.h"
#include "models/digital/function_unit.h"
#include "models/memory/dram_channel.h"
#include "models/memory/scratchpad.h"
#include "models/memory/scratchpad_access.h"
#include "models/memory/scratchpad_config.h"

namespace aimcsim::models {

class memory_core : public processing_unit {
public:
    // Bound to the scratchpad, directly unless route_memory_through was called.
    tlm_utils::simple_initiator_socket<memory_core> to_memory;

    // Trace scope "memory". The scratchpad is ledger component "<name>.scratchpad".
    memory_core(const sc_core::sc_module_name& name, const unit_context& context, const core_config& core,
                const scratchpad_config& memory, dram_channel& dram);

    // Binds the scratchpad hop through an in-line module (e.g. a protocol_checker): to_memory to
    // `in`, `out` to the scratchpad. Call before the simulation starts.
    void route_memory_through(tlm::tlm_target_socket<>& in, tlm::tlm_initiator_socket<>& out);
    int function_index(const std::string& function) const { return m_functions.index(function); }
    const core_config& config() const { return m_functions.config(); }
    scratchpad& memory() { return m_scratchpad; }
    const scratchpad& memory() const { return m_scratchpad; }
    double area_mm2() const { return config().area_mm2 + m_scratchpad.area_mm2(); }
    // The scratchpad keeps its data, so a memory core in use never gates it (idle: clock stopped).
    void close_power(const sc_core::sc_time& run) override;

protected:
    sc_core::sc_time execute(const instruction& instr) override;
    void before_end_of_elaboration() override;  // binds to_memory directly if not routed

private:
    sc_core::sc_time access(const instruction& instr);
    sc_core::sc_time stage(const instruction& instr);  // an off-chip access
    // `bytes` read or written on the scratchpad, from now + delay; returns the end - now.
    sc_core::sc_time access_scratchpad(scratchpad_access::direction kind, std::uint64_t bytes,
                                       sc_core::sc_time delay);
    // One transaction of `bytes` from now + delay, which it advances to the end; false on an error.
    bool transact(unsigned bytes, sc_core::sc_time& delay);

    function_unit m_functions;
    scratchpad m_scratchpad;
    dram_channel& m_dram;
    // The memory manager nb_transport requires; the payload is reused, so freeing it does nothing.
    struct reused_payload : tlm::tlm_mm_interface {
        void free(tlm::tlm_generic_payload*) override {}
    } m_payload_owner;
    tlm::tlm_generic_payload m_payload;  // carries a message_ext for the layer and a scratchpad_access
    bool m_memory_routed = false;
};

}  // namespace aimcsim::models
