#pragma once
// The message of the input_error a callable throws; empty when it throws none.
#include <string>

#include "sw/ir/input_error.h"

namespace aimcsim::sw {

template <typename F>
std::string error_of(F f) {
    try {
        f();
    } catch (const input_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace aimcsim::sw
