// Functional mode's numerics of MobileNet-V3's hard activations.
#include <gtest/gtest.h>

#include "platform/functional/network_eval.h"

namespace aimcsim::platform {
namespace {

Eigen::VectorXf evaluate_activation(const std::string& function, const Eigen::VectorXf& x) {
    sw::network net("hard", {unsigned(x.size())});
    sw::layer l;
    l.name = function;
    l.kind = sw::layer_kind::activation;
    l.function = function;
    net.add(l);
    exact_mvm mvm({});
    return evaluate(net, x, mvm);
}

TEST(HardActivations, FollowTorchsDefinitions) {
    Eigen::VectorXf x(5);
    x << -4.0f, -3.0f, 0.0f, 1.5f, 4.0f;
    Eigen::VectorXf sigmoid(5), swish(5);
    sigmoid << 0.0f, 0.0f, 0.5f, 0.75f, 1.0f;  // min(max(x/6 + 1/2, 0), 1)
    swish << 0.0f, 0.0f, 0.0f, 1.125f, 4.0f;   // x * hard sigmoid(x)
    EXPECT_TRUE(evaluate_activation("hardsigmoid", x).isApprox(sigmoid));
    EXPECT_TRUE(evaluate_activation("hardswish", x).isApprox(swish));
}

}  // namespace
}  // namespace aimcsim::platform
