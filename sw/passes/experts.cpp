#include "sw/passes/experts.h"

#include <cctype>
#include <cmath>
#include <map>
#include <random>
#include <sstream>

#include "sw/common/fnv1a.h"

namespace aimcsim::sw {
namespace {

// The number after `word` and a separator in `name`, from `from`; -1 if none. `end` is set past it.
long number_after(const std::string& name, const std::string& word, std::size_t from, std::size_t& end) {
    for (std::size_t at = name.find(word, from); at != std::string::npos; at = name.find(word, at + 1)) {
        std::size_t i = at + word.size();
        if (i >= name.size() || (name[i] != '.' && name[i] != '/')) continue;
        std::size_t j = ++i;
        while (j < name.size() && std::isdigit(static_cast<unsigned char>(name[j]))) ++j;
        if (j == i || j - i > 6) continue;
        end = j;
        return std::stol(name.substr(i, j - i));
    }
    return -1;
}

// The block of each name's expert (-1: of no expert), and the blocks with experts in order: the
// MoE layers.
struct expert_blocks {
    std::vector<long> block;
    std::vector<int> expert;
    std::map<long, int> moe_layer;  // block -> its MoE layer
};

expert_blocks blocks_of(const std::vector<std::string>& names) {
    expert_blocks out{std::vector<long>(names.size(), -1), std::vector<int>(names.size(), -1), {}};
    for (std::size_t i = 0; i < names.size(); ++i) {
        std::size_t end = 0;
        const long block = number_after(names[i], "layers", 0, end);
        if (block < 0) continue;
        const long expert = number_after(names[i], "experts", end, end);
        if (expert < 0) continue;
        out.block[i] = block;
        out.expert[i] = int(expert);
        out.moe_layer[block] = 0;
    }
    int next = 0;
    for (auto& [block, index] : out.moe_layer) index = next++;
    return out;
}

}  // namespace

std::vector<isa::expert_ref> experts_of(const std::vector<std::string>& names) {
    const expert_blocks b = blocks_of(names);
    std::vector<isa::expert_ref> out(names.size());
    for (std::size_t i = 0; i < names.size(); ++i)
        if (b.block[i] >= 0) out[i] = {b.moe_layer.at(b.block[i]), b.expert[i]};
    return out;
}

std::vector<std::string> layer_names(const network& net) {
    std::vector<std::string> names;
    for (const layer& l : net.layers()) names.push_back(l.name);
    return names;
}

std::vector<std::string> layer_names(const schedule& s) {
    std::vector<std::string> names;
    for (const layer_summary& l : s.layers) names.push_back(l.name);
    return names;
}

std::vector<isa::expert_ref> experts_of(const network& net) { return experts_of(layer_names(net)); }

std::vector<isa::expert_ref> experts_of(const schedule& s) { return experts_of(layer_names(s)); }

moe_shape shape_of(const std::vector<isa::expert_ref>& refs) {
    moe_shape out;
    for (const isa::expert_ref& r : refs)
        if (r.any()) {
            out.moe_layers = std::max(out.moe_layers, unsigned(r.layer) + 1);
            out.experts = std::max(out.experts, unsigned(r.expert) + 1);
        }
    return out;
}

isa::expert_choice draw_experts(const expert_draw& d) {
    isa::expert_choice c;
    c.moe_layers = d.shape.moe_layers;
    c.experts = d.shape.experts;
    c.top_k = d.top_k;
    std::ostringstream source;
    source << "seed " << d.seed << ", zipf " << d.zipf;
    c.source = source.str();
    std::mt19937_64 random(fnv1a("experts", fnv1a_offset ^ d.seed));
    std::vector<double> weights(c.experts);
    for (unsigned e = 0; e < c.experts; ++e) weights[e] = std::pow(double(e) + 1.0, -d.zipf);
    for (std::size_t t = 0; t < d.tokens * c.moe_layers; ++t) {
        std::vector<double> left = weights;
        for (unsigned k = 0; k < c.top_k; ++k) {
            double total = 0;
            for (double w : left) total += w;
            // 53 random bits, the same on every platform (std distributions are not)
            double u = double(random() >> 11) * 0x1p-53 * total;
            unsigned e = 0;
            for (; e + 1 < c.experts && !(u < left[e]); ++e) u -= left[e];
            while (left[e] == 0) --e;  // past the end by rounding: the last expert left
            c.chosen.push_back(std::uint16_t(e));
            left[e] = 0;
        }
    }
    return c;
}

std::vector<unsigned> moe_layers_in_whole(const std::vector<std::string>& whole_names,
                                          const std::vector<std::string>& part_names) {
    const expert_blocks whole = blocks_of(whole_names);
    std::vector<unsigned> out;
    for (const auto& entry : blocks_of(part_names).moe_layer) out.push_back(unsigned(whole.moe_layer.at(entry.first)));
    return out;
}

isa::expert_choice choice_of_part(const isa::expert_choice& whole, const std::vector<unsigned>& layers) {
    if (whole.empty() || layers.empty()) return {};
    isa::expert_choice out = whole;
    out.moe_layers = unsigned(layers.size());
    out.chosen.clear();
    for (std::size_t t = 0; t < whole.tokens(); ++t)
        for (unsigned layer : layers) {
            const auto first = whole.chosen.begin() + std::ptrdiff_t(t * whole.per_token() + std::size_t(layer) * whole.top_k);
            out.chosen.insert(out.chosen.end(), first, first + whole.top_k);
        }
    return out;
}

std::uint64_t executed_static_macs(const schedule& s, std::size_t token) {
    std::uint64_t macs = 0;
    for (const unit_program& u : s.units)
        for (const auto& stream : u.streams)
            for (const sched_instr& in : stream) {
                if (in.op != opcode::mvm || !s.experts.runs(token, in.moe)) continue;
                const weight_block& b = u.blocks.at(std::size_t(in.block));
                macs += in.count * b.rows * b.cols / b.groups;
            }
    return macs;
}

double static_macs_per_inference(const schedule& s, std::size_t inferences) {
    if (s.experts.empty() || !inferences) return double(s.static_macs);
    double macs = 0;
    for (std::size_t t = 0; t < inferences; ++t) macs += double(executed_static_macs(s, t));
    return macs / double(inferences);
}

}  // namespace aimcsim::sw
