#pragma once
// Helpers shared by the architecture-file tests.
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "sw/ir/input_error.h"

namespace aimcsim::test {

// The message of the input_error thrown by `f`, or a test failure if none is thrown.
inline std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const input_error& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected an input_error";
    return {};
}

}  // namespace aimcsim::test
