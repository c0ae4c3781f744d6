#pragma once
// Bad input from the user (a file, a key, a flag): the tool prints the message and exits 2.
// Messages name the file, the key or node, and what was expected.
#include <stdexcept>
#include <string>

namespace aimcsim {

class input_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace aimcsim
