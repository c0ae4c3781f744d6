#pragma once
// A vector message on the NoC: a tlm_generic_payload carrying this extension, taken from a pool.
// Its TLM attributes follow the base protocol (docs/design.md, "Messages and the TLM base
// protocol"): a message with values is a WRITE of them, one without is a TLM_IGNORE_COMMAND;
// `bytes` is its size on the wire either way.
#include <cstdint>
#include <vector>

#include <tlm>

#include "models/common/tensor_slice.h"

namespace aimcsim::models {

struct message_ext : tlm::tlm_extension<message_ext> {
    int source = -1;                 // mesh node id of the sender
    std::vector<int> destinations;   // mesh node ids (more than one: multicast)
    int tag = 0;                     // stream the receiver counts (see processing_unit)
    int inference = 0;
    int layer = -1;                  // for energy attribution
    std::uint64_t bytes = 0;         // on the wire: what the NoC times and charges
    std::vector<float> data;         // the values it carries (functional mode only)
    const isa::tensor_slice* slice = nullptr;  // what they are (the send's slice); nullptr: none
    // Collectives the NoC performs (models/noc/noc_base.h). Scatter: bytes for each destination,
    // in order; each destination receives only its slice. Concatenation: this message is part
    // `part` of `parts` of group `group`; the destination receives one message, parts in order.
    std::vector<std::uint64_t> scatter;
    int group = -1;
    int part = 0;
    int parts = 1;

    tlm::tlm_extension_base* clone() const override { return new message_ext(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override {
        *this = static_cast<const message_ext&>(other);
    }
};

// Pool of payloads, each with a message_ext attached. Payloads return to the pool when their
// reference count drops to zero (tlm_mm_interface).
class payload_pool : public tlm::tlm_mm_interface {
public:
    payload_pool() = default;
    payload_pool(const payload_pool&) = delete;
    payload_pool& operator=(const payload_pool&) = delete;
    ~payload_pool() override;

    // An acquired payload (ref count 1) with a reset message_ext.
    tlm::tlm_generic_payload* acquire();
    void free(tlm::tlm_generic_payload* payload) override;
    std::size_t allocated() const { return m_all.size(); }
    std::size_t in_use() const { return m_all.size() - m_free.size(); }  // acquired, not yet freed

private:
    std::vector<tlm::tlm_generic_payload*> m_free;
    std::vector<tlm::tlm_generic_payload*> m_all;
};

message_ext& message_of(tlm::tlm_generic_payload& payload);
// Sets the payload's attributes for a new transaction from its message_ext, once its values are
// in place: a WRITE whose data pointer and length are the values, or, without values, a
// TLM_IGNORE_COMMAND of length 0; no byte enables, no streaming, response incomplete.
void prepare_message(tlm::tlm_generic_payload& payload);

}  // namespace aimcsim::models
