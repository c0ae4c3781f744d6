#pragma once
// Helpers of the ONNX front-end tests: a temporary file per model, the message of an input_error,
// the core ops a layer lowers to, and a compile-and-run check on the test target.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "sw/ir/input_error.h"
#include "tests/sw/error_of.h"
#include "sw/ir/network.h"
#include "sw/passes/compiler.h"
#include "sw/passes/lowering.h"
#include "tests/sw/schedule_checks.h"
#include "support/temp_path.h"

namespace aimcsim::sw {

inline std::string temp_file(const std::string& name) { return aimcsim::test::temp_path(name + ".onnx").string(); }


using op_list = std::vector<std::pair<std::string, std::uint64_t>>;

// The core ops of layer i, after lowering: name and elements per row.
inline op_list ops_of(const network& net, int i) {
    plan p;
    lower(net, {}, p);
    op_list out;
    for (const auto& op : p.layers[std::size_t(i)].ops) out.emplace_back(op.function, op.per_row);
    return out;
}

// Compiles for the 8x8 test target; true when one inference of every stream completes.
inline bool compiles_and_runs(const network& net) { return runs_to_completion(compile(net, test_target())); }

}  // namespace aimcsim::sw
