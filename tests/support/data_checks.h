// Checks shared by the data-file tests: the message of the gs::Error a call
// throws, and every item of a dataset gathered in order.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "gradscope/dataset.h"

namespace gs::test {

// The message of the gs::Error that f throws; fails the test when it throws
// nothing or anything else.
std::string error_of(const std::function<void()>& f);

// All items of a dataset gathered in order: x (n * numel) and y (n).
struct Gathered {
    std::vector<float> x, y;
};
Gathered gather_all(const Dataset& d);

}  // namespace gs::test

// EXPECT that message `msg` contains `part`.
#define EXPECT_HAS(msg, part) EXPECT_NE((msg).find(part), std::string::npos) << (msg)
