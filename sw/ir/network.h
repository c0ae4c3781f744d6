#pragma once
// The network IR: layers in topological order, each naming its inputs by index, with inferred
// shapes. Layer 0 is always the network input, named "input".
//
// A tensor is flat, [features], or rowed, [C, H, W]: H rows that stream one after another, each
// of C x W elements (channel-major: element (c, h, w) at c*H*W + h*W + w). Images are [C, H, W];
// a sequence of T tokens of F features is [F, T, 1]; attention scores of h heads [h*T, T, 1].
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace aimcsim::sw {

enum class layer_kind {
    input,
    dense,           // constant-weight MVM of a whole (flattened) tensor
    conv2d,          // im2col MVMs, grouped or depthwise too; 1-D and 3-D windows as well
    activation,      // element-wise function of one tensor (relu, softmax, layernorm, scale, ...)
    add,             // element-wise sum of two tensors
    pooling,         // max or average window
    matmul,          // constant-weight MVM of every position of every row: [K, T, P] -> [N, T, P]
    dynamic_matmul,  // product of two activations (attention), on a heavy core
    lstm,            // one-direction recurrent layer (function lstm|gru|rnn): fused [x, h] MVM per
                     // step plus gate ops
    mul,             // element-wise product of two tensors
    concat,          // joins its inputs' elements (a copy on a core)
    pad,             // its input copied into a larger, padded tensor (a copy on a core); function
                     // zero|constant|reflect|edge, an image's row and width pads in `win`
    reduce,          // mean|sum|max|l2 of each row's elements (e.g. over features, per token)
    elementwise,     // sub|div|equal|less|greater|where of two or three tensors, the first the largest
    resize,          // an image upsampled by integer factors (nearest: a copy; linear: interpolation)
    embedding,       // rows of a constant table picked by integer ids (a Gather of an embedding), on a core:
                     // ids [C, T, 1] (or flat [C]) -> [C x out, T, 1] (or [C x out]), a row of `out` per id
};
const char* to_string(layer_kind kind);

// Limits of what the IR holds (docs/network-format.md#limits): a tensor's elements, so that every
// size and product of sizes fits the IR's 32-bit dimensions and 64-bit counts; a recurrent layer's
// steps, since the schedule holds instructions per step (10^5 steps: 0.45 GB and 5 s to compile).
constexpr std::uint64_t max_tensor_elements = std::uint64_t(1) << 31;
constexpr unsigned max_recurrent_steps = 100000;

using tensor_shape = std::vector<unsigned>;
std::string to_string(const tensor_shape& shape);
std::uint64_t elements(const tensor_shape& shape);
inline bool is_spatial(const tensor_shape& shape) { return shape.size() == 3; }
inline unsigned rows_of(const tensor_shape& shape) { return is_spatial(shape) ? shape[1] : 1; }
// Elements of one row: C x W, or every feature of a flat tensor.
inline std::uint64_t row_elements(const tensor_shape& shape) {
    return is_spatial(shape) ? std::uint64_t(shape[0]) * shape[2] : elements(shape);
}

// Kernel, stride, dilation and padding (height, width) of a conv2d or pooling layer. pad_h and
// pad_w pad the start (top, left); the end pads (bottom, right) equal them unless set. A 1-D
// window (Conv1d) is one of height: its [C, L, 1] input streams by L. A 3-D window (Conv3d) also
// slides over `depth` frames, which its [C x depth, H, W] input and its output fold into their
// channels (channel c, frame d at c x depth + d, as an NCDHW tensor's memory).
struct window {
    unsigned kernel_h = 1, kernel_w = 1;
    unsigned stride_h = 1, stride_w = 1;
    unsigned dilation_h = 1, dilation_w = 1;
    unsigned pad_h = 0, pad_w = 0;
    int pad_h_end = -1, pad_w_end = -1;  // -1: same as pad_h, pad_w
    unsigned depth = 1;                  // input frames; 1: a 1-D or 2-D window
    unsigned kernel_d = 1, stride_d = 1, dilation_d = 1, pad_d = 0, pad_d_end = 0;
    // Of the pads, those a zero Pad folded into the layer gives (top, left, bottom, right): elements
    // of value 0, which a max or an average pooling reads (functional mode; timing reads the pads).
    unsigned zeros_top = 0, zeros_left = 0, zeros_bottom = 0, zeros_right = 0;
    unsigned bottom() const { return pad_h_end < 0 ? pad_h : unsigned(pad_h_end); }
    unsigned right() const { return pad_w_end < 0 ? pad_w : unsigned(pad_w_end); }
    unsigned taps() const { return kernel_d * kernel_h * kernel_w; }
    // Rows of the input one output row reads: the dilated kernel's height.
    unsigned extent_h() const { return dilation_h * (kernel_h - 1) + 1; }
};

// What a layer reads of one input: by default the producer's whole output, as it is. A view
// reshapes it (its elements per row may be ordered differently, e.g. after a transpose), or
// reads part of it: rows [row0, row0 + rows) and, of each row, elements [elem0, elem0 + elems).
// A rowed view keeps the producer's rows; a flat one reads its selection as one chunk. A rowed
// view of a producer with one row (a flat tensor read as an image) may hold more rows: they all
// arrive at once, with the producer's row.
//
// `order` says which of the producer's elements each element of the view is, for functional mode
// (timing reads the ranges alone): a Transpose, a strided Slice, a head split or merge or a window
// partition read the producer's elements in another order than the ranges give.
struct element_order {
    // Element e of the view (in the layout its shape gives) is the producer's output element
    // offset + sum_i digit_i(e) x strides[i], digit_i(e) being e's digits in the mixed radix `sizes`
    // (outermost first). Empty sizes: the ranges' elements in the producer's order (below).
    std::vector<unsigned> sizes;
    std::vector<std::uint64_t> strides;
    std::uint64_t offset = 0;
    // The tensor the layer reads (ONNX's axes, in the view's order, outermost first), of as many
    // elements as `sizes` (which join contiguous axes). A softmax's or a product's last axis is
    // axes.back().
    tensor_shape axes;
    bool unknown = false;  // the front end cannot express it (functional mode refuses the layer)
};
struct input_view {
    tensor_shape shape;          // empty: the producer's output shape
    unsigned row0 = 0, rows = 0;  // rows 0: all
    std::uint64_t elem0 = 0, elems = 0;  // elems 0: all
    element_order order{};
};
// The producer's output element (of shape `producer`) that element e of view v is. Without an
// order: element c' x H' x W' + h' x W' + w' of a rowed view [C', H', W'] is element elem0 + c' x W'
// + w' of the producer's row row0 + h'; element e of a flat view is element elem0 + e % elems of row
// row0 + e / elems; a producer's row r, element x is its element (x / W x H + r) x W + x % W.
std::uint64_t producer_element(const input_view& v, const tensor_shape& producer, std::uint64_t e);
// Element offset + sum_i digit_i(e) x strides[i] (above) of an order with sizes.
std::uint64_t ordered_element(const element_order& o, std::uint64_t e);
// producer_element of every element of the view, in order (an operand that repeats, ordered to its
// first operand's elements, has that many).
std::vector<std::uint64_t> producer_elements(const input_view& v, const tensor_shape& producer);
// Elements the order gives: elements(v.shape), or more for a repeated operand.
std::uint64_t ordered_elements(const element_order& o);
// The view's ranges (producer_element without an order) as an order where they are one: whole
// columns of the producer's (a view's columns, elem0 and elems its multiples); else no sizes.
element_order ranges_order(const input_view& v, const tensor_shape& producer);
// Whether two orders give the same producer element for every element: their digits of more than
// one value, joined where contiguous, are the same (which such digits a map has is unique).
bool same_elements(const element_order& a, const element_order& b);
// producer_element of the view's elements first, first + 1, ... in turn, without its divisions per
// element: an order's digits count as an odometer; the ranges' (channel, row, element) of the view
// as counters, the producer's channel and column of the element read carried along.
class producer_walk {
public:
    producer_walk(const input_view& v, const tensor_shape& producer, std::uint64_t first);
    std::uint64_t element() const { return m_element; }
    void next();

private:
    void next_ordered();
    void start_channel();  // the ranges' first element of view channel m_c in row m_row
    void place();          // m_element from the producer's channel, row and column

    const input_view& m_view;
    const element_order& m_order;
    std::vector<unsigned> m_digits;  // an order's
    std::uint64_t m_element = 0;
    // The ranges': view element (m_c, m_h, m_w) of m_rows x m_columns per channel (a flat view: one
    // channel of rows of v.elems) is producer row m_row, channel m_channel, column m_column.
    std::uint64_t m_rows = 0, m_columns = 0, m_c = 0, m_h = 0, m_w = 0, m_row = 0;
    bool m_spatial = false;                   // the producer; flat: one row of one channel, whatever m_row
    std::uint64_t m_height = 1, m_width = 1;  // its rows and columns
    std::uint64_t m_start_channel = 0, m_start_column = 0, m_channel = 0, m_column = 0;
};
// Whether the view gives rows to a producer's single row: its reader waits for all of it.
inline bool arrives_at_once(const input_view& v) { return is_spatial(v.shape) && rows_of(v.shape) != v.rows; }

struct layer {
    std::string name;
    layer_kind kind = layer_kind::input;
    std::vector<int> inputs;      // earlier layers; empty on add(): the previous layer
    std::vector<input_view> views;  // per input; empty on add(): whole outputs
    unsigned out = 0;             // dense, matmul: output features; conv2d: output channels; lstm: hidden size;
                                  // embedding: a table row's elements
    unsigned groups = 1;          // conv2d: channel groups (depthwise: groups = input channels)
    bool bias = true;             // dense, conv2d, matmul: a bias vector of `out`; lstm: two of hidden per gate
    bool reverse = false;         // lstm: steps run from the last to the first (output row 0 comes last)
    std::uint64_t extra_weights = 0;  // other parameters (norm scale and shift, constant operands)
    std::uint64_t constant_inputs = 0;  // digital layers: elements of the constant operands they read
                                        // (a mask, a table, a class token), streamed from memory; an
                                        // embedding: its ids' rows of the table
    // concat, in a decode step: the KV cache it puts before its input, the keys or values of
    // `cache_tokens` earlier tokens (cache_elements / cache_tokens per token). Not a weight: the chip
    // writes it as tokens are decoded (docs/network-format.md, "Decode steps").
    std::uint64_t cache_elements = 0;
    unsigned cache_tokens = 0;
    // Functional mode: the file's tensors of the constant operands its function reads, in the order
    // it reads them ("" for an absent one; docs/functional.md): a scale or shift's constant, a
    // norm's scale and bias, a Clip's bounds, a comparison's or select's constants, a recurrent
    // layer's bias and initial states (B, initial_h, initial_c). A scale or shift names, after its
    // constant, the ONNX op (Add, Sub, Mul, Div) and whether the constant was its "first" or
    // "second" operand. A select, an elementwise where and a concat with constant parts name one
    // per ONNX input, "" for an activation (the layer's inputs, in order). Timing never reads them.
    std::vector<std::string> constants;
    // Functional mode, per constant (or empty): which of its elements (row-major) element e of the
    // layer's first view reads, as ONNX broadcasts it (zero strides along the axes it repeats).
    std::vector<element_order> constant_orders;
    // Functional mode: where element e of a streamed output in the IR's layout (as schedule slices
    // name it) is in the values the layer's function computes, when those lay its ONNX axes out in
    // another order (a product's [batch, M, N], a softmax's axis innermost). Empty sizes: the same,
    // as for every output not streamed by rows (slices name its values in the order computed).
    element_order output_order;
    float epsilon = 1e-5f;            // layernorm, affine (an unfolded batch norm)
    std::uint64_t contraction = 0;    // dynamic_matmul: MACs per output element
    window win;                   // conv2d, pooling
    std::string function;         // activation: relu|sigmoid|tanh|gelu|softmax|layernorm|scale|shift|affine|
                                  // hardsigmoid|hardswish|neg|square|sqrt|pow|reciprocal|erf|silu|equal|
                                  // less|greater|select|softplus|mish; pooling: max|avg; reduce: mean|sum|max|l2;
                                  // elementwise: sub|div|equal|less|greater|where; lstm: lstm|gru|rnn;
                                  // resize: nearest|linear_half_pixel|linear_align_corners|linear_asymmetric
    tensor_shape input_shape;     // inferred: shape of the view of inputs[0]
    tensor_shape output_shape;    // inferred; given by the front end for dynamic_matmul, concat, pad, reduce,
                                  // resize

    bool has_weights() const {
        return kind == layer_kind::dense || kind == layer_kind::conv2d || kind == layer_kind::matmul ||
               kind == layer_kind::lstm;
    }
    // Gates of a recurrent layer: 4 (LSTM), 3 (GRU) or 1 (RNN).
    unsigned gates() const { return function == "gru" ? 3 : function == "rnn" ? 1 : 4; }
    bool depthwise() const { return kind == layer_kind::conv2d && groups > 1 && channels_in() == groups; }
    // Input channels of a conv2d or pooling layer: without the frames a 3-D window folds into them.
    unsigned channels_in() const { return input_shape[0] / win.depth; }
    // Output frames of a 3-D window (1 otherwise).
    unsigned out_depth() const { return output_shape[0] / (kind == layer_kind::conv2d ? out : channels_in()); }
    // Rows (K) and columns (N) of the constant weight matrix (one group's, for a grouped conv2d).
    unsigned matrix_rows() const;
    unsigned matrix_cols() const;
    // Input elements a resize output weighs: 1 for nearest; linear: 2, 4 or 8 as 1, 2 or 3 axes upsample.
    unsigned interpolation_taps() const;
    // Elements of the constant operands and of the KV cache it reads.
    std::uint64_t read_constants() const { return constant_inputs + cache_elements; }
    // Elements of constant operands a core keeps to serve its reads: an embedding's whole table
    // (any id may come), else what it reads.
    std::uint64_t held_constants() const { return kind == layer_kind::embedding ? extra_weights : constant_inputs; }
    // Multiply-accumulates with constant weights; digital layers have none.
    std::uint64_t macs() const;
    // Multiply-accumulates between two activations.
    std::uint64_t dynamic_macs() const;
    // Constant weight matrix elements (every group's).
    std::uint64_t matrix_weights() const;
    // All parameters: matrix, bias and extra weights.
    std::uint64_t weights() const;
};

class network {
public:
    // Throws input_error when the input shape is neither [features] nor [C, H, W].
    network(std::string name, tensor_shape input);

    // Checks the layer, infers its shapes and returns its index. Throws input_error naming the
    // layer and what was expected.
    int add(layer l);

    const std::string& name() const { return m_name; }
    const std::vector<layer>& layers() const { return m_layers; }
    const layer& at(int index) const { return m_layers.at(static_cast<std::size_t>(index)); }
    int size() const { return static_cast<int>(m_layers.size()); }
    int output() const { return size() - 1; }
    int find(const std::string& name) const;  // -1 when absent
    void set_output_order(int index, element_order order) { m_layers.at(std::size_t(index)).output_order = std::move(order); }
    // consumers()[i]: layers that take layer i as an input (once per use).
    std::vector<std::vector<int>> consumers() const;

    std::uint64_t static_macs() const;
    std::uint64_t dynamic_macs() const;
    std::uint64_t weights() const;

private:
    void resolve_views(layer& l) const;
    void check_order(const layer& l, const input_view& v, std::size_t input, const tensor_shape& from) const;
    void infer(layer& l) const;

    std::string m_name;
    std::vector<layer> m_layers;
    std::unordered_map<std::string, int> m_index;
};

}  // namespace aimcsim::sw
