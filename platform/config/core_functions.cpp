#include "platform/config/core_functions.h"

namespace aimcsim::platform {

// Energies per element from Horowitz, ISSCC 2014 (45 nm): int8 add 0.03 pJ, int8 mult 0.2 pJ,
// int32 add 0.1 pJ, fp16 add 0.4 pJ, fp16 mult 1.1 pJ. An element is one output value, except
// for reduce and pooling (one input value) and matmul (one MAC). Data movement is charged by the
// scratchpad and the NoC, not here.
namespace {

const models::core_function reduce{"reduce", 1.0, 0.1};     // int32 add of a partial sum
const models::core_function relu{"relu", 1.0, 0.03};        // int8 max(x, 0) ~ an int8 add
const models::core_function add{"add", 1.0, 0.1};           // residual add at 32 bit
const models::core_function mul{"mul", 1.0, 0.2};           // int8 mult
const models::core_function maxpool{"maxpool", 1.0, 0.03};  // int8 compare per input
const models::core_function avgpool{"avgpool", 1.0, 0.1};   // int32 add per input
const models::core_function copy{"copy", 1.0, 0.03};        // register move ~ an int8 add
const models::core_function sigmoid{"sigmoid", 0.5, 0.23};  // piecewise linear: int8 mult + add
const models::core_function tanh_fn{"tanh", 0.5, 0.23};
// [assumed] like sigmoid: min(max(x/6 + 1/2, 0), 1), an int8 mult, add and compare (0.2 + 0.03 +
// 0.03 pJ); hard swish multiplies by x once more (+0.2 pJ)
const models::core_function hardsigmoid{"hardsigmoid", 0.5, 0.26};
const models::core_function hardswish{"hardswish", 0.5, 0.46};
const models::core_function layernorm{"layernorm", 0.25, 3.0};  // fp16: 2 adds + 2 mults
const models::core_function matmul{"matmul", 1.0, 0.3};         // per MAC: int8 mult + int32 add
const models::core_function softmax{"softmax", 0.25, 5.6};      // fp16 exp (3 mult + 2 add) + sum + scale
const models::core_function gelu{"gelu", 0.25, 4.1};            // fp16 tanh approximation
// [assumed] ONNX's element-wise ops. compare (Equal, Less, Greater) an int8 compare; select (Where)
// a register move; silu x * sigmoid(x): the sigmoid plus an int8 mult (0.23 + 0.2 pJ)
const models::core_function compare{"compare", 1.0, 0.03};
const models::core_function select{"select", 1.0, 0.03};
const models::core_function silu{"silu", 0.5, 0.43};
// [assumed] fp16 Newton iterations: div a reciprocal (2 steps of 2 mults + 1 add) times the
// dividend, 5 mults + 2 adds; sqrt x * rsqrt(x) (2 steps of 3 mults + 1 add), 7 mults + 2 adds
const models::core_function div{"div", 0.25, 6.3};
const models::core_function sqrt_fn{"sqrt", 0.25, 8.5};
// [assumed] erf as costly as gelu, which computes it; pow exp(y ln x): two exp-like series (3 mults
// + 2 adds each) and a mult, at half the rate
const models::core_function erf{"erf", 0.25, 4.1};
const models::core_function pow_fn{"pow", 0.125, 9.3};
// [assumed] linear Resize: per input element weighed, an int8 mult and an int32 add, as matmul's MAC
const models::core_function interpolate{"interpolate", 1.0, 0.3};
// [assumed] softplus ln(1 + e^x): an fp16 exp and a log series (3 mults + 2 adds each) and an add,
// at half pow's rate; mish x * tanh(softplus(x)): the softplus, a tanh and an int8 mult (+0.23 +0.2 pJ)
const models::core_function softplus{"softplus", 0.125, 8.6};
const models::core_function mish{"mish", 0.125, 9.03};

}  // namespace

std::vector<models::core_function> default_functions(models::core_kind kind) {
    switch (kind) {
    case models::core_kind::heavy:
        return {matmul, softmax, layernorm, gelu, reduce, add, mul, copy, div, sqrt_fn, erf, pow_fn};
    case models::core_kind::light:
        return {reduce,      relu,      add,       mul,     maxpool, avgpool, copy,   sigmoid, tanh_fn,
                hardsigmoid, hardswish, layernorm, compare, select,  silu,    div,    sqrt_fn, interpolate,
                softplus,    mish};
    case models::core_kind::memory: return {copy};
    }
    return {};
}

std::vector<std::string> required_functions(models::core_kind kind) {
    switch (kind) {
    case models::core_kind::heavy: return {"matmul", "softmax"};
    case models::core_kind::light: return {"reduce", "relu", "add", "maxpool", "avgpool", "copy"};
    case models::core_kind::memory: return {"copy"};
    }
    return {};
}

}  // namespace aimcsim::platform
