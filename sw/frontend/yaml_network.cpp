#include "sw/frontend/yaml_network.h"

#include <algorithm>
#include <tuple>

#include "sw/frontend/yaml_fields.h"
#include "sw/ir/input_error.h"

namespace aimcsim::sw {
namespace {

// Keys each layer type accepts, besides name, type and inputs.
struct type_info {
    const char* name;
    layer_kind kind;
    std::vector<std::string> keys;
};

const std::vector<type_info>& types() {
    static const std::vector<type_info> list = {
        {"dense", layer_kind::dense, {"out", "bias"}},
        {"conv2d", layer_kind::conv2d, {"out_channels", "kernel", "stride", "padding", "bias"}},
        {"activation", layer_kind::activation, {"function"}},
        {"add", layer_kind::add, {}},
        {"pooling", layer_kind::pooling, {"mode", "kernel", "stride", "padding"}},
    };
    return list;
}

class reader : yaml_fields {
public:
    explicit reader(std::string source) : yaml_fields(std::move(source)) {}

    network read(const YAML::Node& root) const;

private:
    // An integer or an [h, w] pair.
    std::pair<unsigned, unsigned> pair(const YAML::Node& n, const std::string& context, bool allow_zero) const;
    tensor_shape shape(const YAML::Node& n) const;
    layer read_layer(const YAML::Node& n, const network& net) const;
    void read_window(const YAML::Node& n, const std::string& context, layer& l) const;
};

std::pair<unsigned, unsigned> reader::pair(const YAML::Node& n, const std::string& context,
                                           bool allow_zero) const {
    if (n.IsSequence()) {
        if (n.size() != 2) fail(n, context + "expected an integer or an [h, w] pair");
        return {positive(n[0], context, allow_zero), positive(n[1], context, allow_zero)};
    }
    const unsigned v = positive(n, context, allow_zero);
    return {v, v};
}

tensor_shape reader::shape(const YAML::Node& n) const {
    if (!n.IsSequence() || (n.size() != 1 && n.size() != 3))
        fail(n, "input: expected [features] or [C, H, W]");
    tensor_shape s;
    for (const auto& d : n) s.push_back(positive(d, "input: "));
    return s;
}

void reader::read_window(const YAML::Node& n, const std::string& context, layer& l) const {
    if (!n["kernel"]) fail(n, context + "missing key 'kernel'");
    std::tie(l.win.kernel_h, l.win.kernel_w) = pair(n["kernel"], context + "kernel: ", false);
    if (l.kind == layer_kind::pooling) {  // stride defaults to the kernel
        l.win.stride_h = l.win.kernel_h;
        l.win.stride_w = l.win.kernel_w;
    }
    if (n["stride"]) std::tie(l.win.stride_h, l.win.stride_w) = pair(n["stride"], context + "stride: ", false);
    if (n["padding"]) std::tie(l.win.pad_h, l.win.pad_w) = pair(n["padding"], context + "padding: ", true);
}

layer reader::read_layer(const YAML::Node& n, const network& net) const {
    if (!n.IsMap()) fail(n, "layers: expected a map per layer");
    if (!n["name"]) fail(n, "layer: missing key 'name'");
    layer l;
    l.name = text(n["name"], "layer: name: ");
    const std::string context = "layer '" + l.name + "': ";
    if (!n["type"]) fail(n, context + "missing key 'type'");
    const std::string type = text(n["type"], context + "type: ");
    const auto info = std::find_if(types().begin(), types().end(), [&](const type_info& t) { return type == t.name; });
    if (info == types().end()) {
        std::vector<std::string> names;
        for (const auto& t : types()) names.push_back(t.name);
        fail(n["type"], context + "unknown type '" + type + "'; expected " + join_choices(names));
    }
    l.kind = info->kind;
    std::vector<std::string> allowed = {"name", "type", "inputs"};
    allowed.insert(allowed.end(), info->keys.begin(), info->keys.end());
    check_keys(n, allowed, context);

    if (const YAML::Node inputs = n["inputs"]) {
        if (!inputs.IsSequence() && !inputs.IsScalar())
            fail(inputs, context + "inputs: expected a list of layer names");
        const auto add_input = [&](const YAML::Node& in) {
            const std::string name = text(in, context + "inputs: ");
            const int index = net.find(name);
            if (index < 0)
                fail(in, context + "unknown input '" + name + "'; expected 'input' or an earlier layer's name");
            l.inputs.push_back(index);
        };
        if (inputs.IsScalar())
            add_input(inputs);
        else
            for (const auto& in : inputs) add_input(in);
    }
    const auto required = [&](const char* key) {
        if (!n[key]) fail(n, context + "missing key '" + key + "'");
        return n[key];
    };
    switch (l.kind) {
    case layer_kind::dense: l.out = positive(required("out"), context + "out: "); break;
    case layer_kind::conv2d:
        l.out = positive(required("out_channels"), context + "out_channels: ");
        read_window(n, context, l);
        break;
    case layer_kind::pooling:
        l.function = text(required("mode"), context + "mode: ");
        read_window(n, context, l);
        break;
    case layer_kind::activation: l.function = text(required("function"), context + "function: "); break;
    default: break;
    }
    if (n["bias"]) l.bias = boolean(n["bias"], context + "bias: ");
    return l;
}

network reader::read(const YAML::Node& root) const {
    if (!root.IsMap()) fail(root, "expected a map with name, input and layers");
    check_keys(root, {"name", "input", "layers"}, "");
    for (const char* key : {"name", "input", "layers"})
        if (!root[key]) fail(root, std::string("missing key '") + key + "'");
    network net(text(root["name"], "name: "), shape(root["input"]));
    const YAML::Node layers = root["layers"];
    if (!layers.IsSequence() || layers.size() == 0) fail(layers, "layers: expected a non-empty list");
    for (const auto& n : layers) {
        layer l = read_layer(n, net);
        try {
            net.add(std::move(l));
        } catch (const input_error& e) {
            fail(n, e.what());
        }
    }
    return net;
}

}  // namespace

network parse_network_yaml(const std::string& text, const std::string& source) {
    return reader(source).read(yaml_fields(source).parse(text));
}

network load_network_yaml(const std::string& path) {
    return parse_network_yaml(read_text_file(path, "network file"), path);
}

}  // namespace aimcsim::sw
