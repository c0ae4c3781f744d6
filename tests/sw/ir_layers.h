#pragma once
// IR layers for tests that build networks by hand.
#include <string>

#include "sw/ir/network.h"

namespace aimcsim::test {

// An activation layer named `name` computing `function` of the previous layer.
inline sw::layer activation_layer(const std::string& name, const std::string& function) {
    sw::layer l;
    l.name = name;
    l.kind = sw::layer_kind::activation;
    l.function = function;
    return l;
}

}  // namespace aimcsim::test
