// Compact numbers for people, shared by the plots' read-outs, tick labels and
// diagnosis texts. No Qt.
#pragma once

#include <string>

namespace gs::studio {

// 3 significant digits, scientific below 1e-3 and from 1e5 on ("2.3e-9",
// "1e-3" is "0.001"); from 1,000 to 99,999 the whole number, grouped
// ("1,000", "12,346"); "NaN", "inf", "-inf" for non-finite values.
std::string format_number(double v);
// A factor: "12x", "3,400x", "10,000x" (2 significant digits).
std::string format_factor(double v);
// A fraction as a whole percentage: 0.623 -> "62%".
std::string format_percent(double fraction);
// A CSV cell: 9 significant digits, "nan", "inf", "-inf".
std::string csv_number(double v);

}  // namespace gs::studio
