#include "sw/schedule/network_binding.h"

#include "sw/ir/input_error.h"

namespace aimcsim::sw {

void check_schedule_matches(const schedule& s, const network& net, const std::string& source,
                            const std::string& network_source) {
    if (s.version < 2)
        throw input_error(source + ": schema: functional mode needs \"" + std::string(schedule::schema) +
                          "\" (slices); recompile with aimcsim compile");
    if (s.layers.size() != std::size_t(net.size()))
        throw input_error(source + ": layers: " + std::to_string(s.layers.size()) + " layers, but " + network_source +
                          " has " + std::to_string(net.size()));
    for (int i = 0; i < net.size(); ++i) {
        const layer_summary& mine = s.layers[std::size_t(i)];
        const layer& theirs = net.at(i);
        if (mine.name != theirs.name || mine.kind != to_string(theirs.kind) || mine.shape != theirs.output_shape)
            throw input_error(source + ": layers[" + std::to_string(i) + "]: '" + mine.name + "' (" + mine.kind + " " +
                              to_string(tensor_shape(mine.shape)) + "), but layer " + std::to_string(i) + " of " +
                              network_source + " is '" + theirs.name + "' (" + to_string(theirs.kind) + " " +
                              to_string(theirs.output_shape) + ")");
    }
}

}  // namespace aimcsim::sw
