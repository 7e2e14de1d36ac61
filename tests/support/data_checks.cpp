// Checks shared by the data-file tests; see data_checks.h.
#include "data_checks.h"

#include <cstdint>

#include "gradscope/error.h"

namespace gs::test {

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "threw something other than gs::Error: " << e.what();
        return "";
    }
    ADD_FAILURE() << "no error thrown";
    return "";
}

Gathered gather_all(const Dataset& d) {
    Gathered g;
    const size_t n = d.size();
    std::vector<uint32_t> idx(n);
    for (size_t i = 0; i < n; ++i) idx[i] = static_cast<uint32_t>(i);
    g.x.resize(n * d.item_shape().numel());
    g.y.resize(n * static_cast<size_t>(d.target_size()));
    if (n) d.gather(idx.data(), static_cast<int>(n), g.x.data(), g.y.data());
    return g;
}

}  // namespace gs::test
