// The sanitizer build's check of itself (tests/CMakeLists.txt): `ubsan N` adds 1 to N (overflows
// at 2147483647), `asan N` reads one int past an array of N, `lsan N` loses N ints. Each must
// print the sanitizer's report and fail, which is what makes a report anywhere in the suite fail
// its test.
#include <cstdlib>
#include <cstring>
#include <vector>

int main(int argc, char* argv[]) {
    if (argc != 3) return 2;
    const int n = std::atoi(argv[2]);
    if (std::strcmp(argv[1], "ubsan") == 0) return n + 1 == 0;
    if (std::strcmp(argv[1], "lsan") == 0) {
        int* lost = new int[std::size_t(n > 0 ? n : 1)];
        lost[0] = n;
        lost = nullptr;  // the only pointer to it is gone
        return lost != nullptr;
    }
    const std::vector<int> values(std::size_t(n > 0 ? n : 1), 1);
    return values.data()[values.size()];
}
