#pragma once
// A scratchpad access that moves no data, as every memory-core load and store (no values pass
// through the scratchpad in any mode: functional mode keeps them in the chip's values). It keeps
// to the TLM base protocol as a TLM_IGNORE_COMMAND without a data pointer whose data length is the
// bytes it times; this extension says whether the scratchpad times and charges them as a read or
// a write.
#include <tlm>

namespace aimcsim::models {

struct scratchpad_access : tlm::tlm_extension<scratchpad_access> {
    enum class direction { read, write };
    direction kind = direction::read;

    tlm::tlm_extension_base* clone() const override { return new scratchpad_access(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override {
        *this = static_cast<const scratchpad_access&>(other);
    }
};

}  // namespace aimcsim::models
