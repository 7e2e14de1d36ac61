// Compact number formatting; see number_format.h.
#include "plots/number_format.h"

#include <cmath>
#include <cstdio>

namespace gs::studio {

namespace {

// printf %g with n significant digits, without trailing zeros.
std::string g(double v, int digits) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    return buf;
}

// 12346 -> "12,346".
std::string grouped(long long v) {
    const std::string digits = std::to_string(v < 0 ? -v : v);
    std::string out = v < 0 ? "-" : "";
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

}  // namespace

std::string format_number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    const double a = std::abs(v);
    if (a == 0) return "0";
    // From 1,000 on, the whole number grouped as format_factor groups it
    // (%g would print "1e+03"); 999.7 rounds up into that range.
    if (a >= 999.5 && a < 99999.5) return grouped(std::llround(v));
    if (a >= 1e-3 && a < 1e5) return g(v, 3);
    int e = static_cast<int>(std::floor(std::log10(a)));
    double m = v / std::pow(10.0, e);
    if (std::abs(std::round(m * 10) / 10) >= 10) {  // 9.96e-4 rounds to 1e-3
        m /= 10;
        ++e;
    }
    return g(m, 2) + "e" + std::to_string(e);
}

std::string format_factor(double v) {
    if (!std::isfinite(v)) return format_number(v) + "x";
    if (v < 100) return g(v, 2) + "x";
    const double mag = std::pow(10.0, std::floor(std::log10(v)) - 1);
    const double r = std::round(v / mag) * mag;
    if (r >= 1e15) return format_number(r) + "x";
    return grouped(static_cast<long long>(r)) + "x";
}

std::string format_percent(double fraction) {
    if (!std::isfinite(fraction)) return format_number(fraction);
    return std::to_string(static_cast<long long>(std::lround(fraction * 100))) + "%";
}

std::string csv_number(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

}  // namespace gs::studio
