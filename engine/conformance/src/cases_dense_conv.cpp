// Conformance cases of the products: dense and conv2d, forward and backward,
// with and without bias and input gradient, on odd shapes (batch 1, sizes
// 1, 3, 7, 17, non-square kernels, strides and padding).
#include "suite.h"

namespace gs::conformance {

namespace {

struct DenseCase {
    Shape x;  // (N, K) or (N, C, H, W), seen as (N, K)
    int M;
};

void add_dense(Cases& out, const DenseCase& d, uint64_t seed) {
    const int N = d.x[0], K = static_cast<int>(d.x.per_item()), M = d.M;
    const std::string shapes = "x " + d.x.str() + ", w " + pair_str(M, K);
    out.push_back({shapes,
                   {{"dense forward", "y", kProducts},
                    {"dense backward", "dx", kProducts},
                    {"dense backward", "dw", kProducts},
                    {"dense backward", "db", kProducts}},
                   [=](Backend& be) {
                       const auto xv = random_values(d.x.numel(), seed + 11);
                       const auto wv = random_values(size_t(M) * K, seed + 12);
                       const auto bv = random_values(size_t(M), seed + 13);
                       const auto dyv = random_values(size_t(N) * M, seed + 14);
                       Tensor x = make(be, d.x, xv), w = make(be, {M, K}, wv), b = make(be, {M}, bv);
                       Tensor y = garbage(be, {N, M}), dx = garbage(be, d.x);
                       Tensor dw = garbage(be, {M, K}), db = garbage(be, {M});
                       be.dense_forward(x, w, &b, y);
                       be.dense_backward(x, w, make(be, {N, M}, dyv), &dx, dw, &db);
                       const ref::DenseGrads g = ref::dense_backward(xv, wv, dyv, N, K, M);
                       return std::vector<Compared>{compare(y, ref::dense_forward(xv, wv, &bv, N, K, M)),
                                                    compare(dx, g.dx), compare(dw, g.dw),
                                                    compare(db, g.db)};
                   }});
}

// Without bias, and backward with only some gradients asked for.
void add_dense_partial(Cases& out, int N, int K, int M, uint64_t seed) {
    out.push_back({"x " + pair_str(N, K) + ", w " + pair_str(M, K) + ", no bias",
                   {{"dense forward", "y", kProducts},
                    {"dense backward", "dx (no db)", kProducts},
                    {"dense backward", "dw (no db)", kProducts},
                    {"dense backward", "dw (no dx)", kProducts},
                    {"dense backward", "db (no dx)", kProducts}},
                   [=](Backend& be) {
                       const auto xv = random_values(size_t(N) * K, seed + 21);
                       const auto wv = random_values(size_t(M) * K, seed + 22);
                       const auto dyv = random_values(size_t(N) * M, seed + 23);
                       Tensor x = make(be, {N, K}, xv), w = make(be, {M, K}, wv);
                       Tensor dy = make(be, {N, M}, dyv), y = garbage(be, {N, M});
                       Tensor dx = garbage(be, {N, K}), dw = garbage(be, {M, K});
                       Tensor dw2 = garbage(be, {M, K}), db = garbage(be, {M});
                       be.dense_forward(x, w, nullptr, y);
                       be.dense_backward(x, w, dy, &dx, dw, nullptr);
                       be.dense_backward(x, w, dy, nullptr, dw2, &db);
                       const ref::DenseGrads g = ref::dense_backward(xv, wv, dyv, N, K, M);
                       return std::vector<Compared>{
                           compare(y, ref::dense_forward(xv, wv, nullptr, N, K, M)), compare(dx, g.dx),
                           compare(dw, g.dw), compare(dw2, g.dw), compare(db, g.db)};
                   }});
}

ConvParams conv(int kh, int kw, int sh, int sw, int ph, int pw) {
    ConvParams p;
    p.kh = kh, p.kw = kw, p.sh = sh, p.sw = sw, p.ph = ph, p.pw = pw;
    return p;
}

std::string conv_shapes(const ref::ConvShape& s) {
    return "x " + Shape{s.N, s.C, s.H, s.W}.str() + ", w " + Shape{s.O, s.C, s.p.kh, s.p.kw}.str() +
           ", s " + pair_str(s.p.sh, s.p.sw) + ", p " + pair_str(s.p.ph, s.p.pw);
}

void add_conv(Cases& out, const ref::ConvShape& s, uint64_t seed) {
    const Shape xs{s.N, s.C, s.H, s.W}, ws{s.O, s.C, s.p.kh, s.p.kw}, ys{s.N, s.O, s.out_h(), s.out_w()};
    out.push_back({conv_shapes(s),
                   {{"conv2d forward", "y", kConvolution},
                    {"conv2d backward", "dx", kConvolution},
                    {"conv2d backward", "dw", kConvolution},
                    {"conv2d backward", "db", kProducts}},
                   [=](Backend& be) {
                       const auto xv = random_values(xs.numel(), seed);
                       const auto wv = random_values(ws.numel(), seed + 1);
                       const auto bv = random_values(size_t(s.O), seed + 2);
                       const auto dyv = random_values(ys.numel(), seed + 3);
                       Tensor x = make(be, xs, xv), w = make(be, ws, wv), b = make(be, {s.O}, bv);
                       Tensor y = garbage(be, ys), dx = garbage(be, xs), dw = garbage(be, ws);
                       Tensor db = garbage(be, {s.O});
                       be.conv2d_forward(s.p, x, w, &b, y);
                       be.conv2d_backward(s.p, x, w, make(be, ys, dyv), &dx, dw, &db);
                       const ref::ConvGrads g = ref::conv2d_backward(s, xv, wv, dyv);
                       return std::vector<Compared>{compare(y, ref::conv2d_forward(s, xv, wv, &bv)),
                                                    compare(dx, g.dx), compare(dw, g.dw),
                                                    compare(db, g.db)};
                   }});
}

// Without bias and without the input gradient (a network's first layer).
void add_conv_partial(Cases& out, const ref::ConvShape& s, uint64_t seed) {
    const Shape xs{s.N, s.C, s.H, s.W}, ws{s.O, s.C, s.p.kh, s.p.kw}, ys{s.N, s.O, s.out_h(), s.out_w()};
    out.push_back({conv_shapes(s) + ", no bias",
                   {{"conv2d forward", "y", kConvolution},
                    {"conv2d backward", "dw (no dx, db)", kConvolution}},
                   [=](Backend& be) {
                       const auto xv = random_values(xs.numel(), seed + 5);
                       const auto wv = random_values(ws.numel(), seed + 6);
                       const auto dyv = random_values(ys.numel(), seed + 7);
                       Tensor x = make(be, xs, xv), w = make(be, ws, wv);
                       Tensor y = garbage(be, ys), dw = garbage(be, ws);
                       be.conv2d_forward(s.p, x, w, nullptr, y);
                       be.conv2d_backward(s.p, x, w, make(be, ys, dyv), nullptr, dw, nullptr);
                       return std::vector<Compared>{
                           compare(y, ref::conv2d_forward(s, xv, wv, nullptr)),
                           compare(dw, ref::conv2d_backward(s, xv, wv, dyv).dw)};
                   }});
}

}  // namespace

void add_dense_conv_cases(Cases& out, uint64_t seed) {
    // Small ones (the CPU's plain loops), a long row, and one past the CPU's
    // oneDNN threshold (32K multiply-adds).
    for (const DenseCase& d : {DenseCase{{1, 1}, 1}, DenseCase{{3, 7}, 17}, DenseCase{{1, 300}, 3},
                               DenseCase{{5, 3, 4, 5}, 7}, DenseCase{{7, 129}, 65}})
        add_dense(out, d, seed += 10);
    add_dense_partial(out, 3, 7, 17, seed += 10);
    add_dense_partial(out, 7, 129, 65, seed += 10);

    const ref::ConvShape convs[] = {
        {2, 3, 7, 9, 4, conv(3, 3, 1, 1, 1, 1)},   // "same", non-square input
        {1, 2, 9, 6, 3, conv(3, 3, 2, 2, 1, 1)},   // batch 1, stride 2, padding 1
        {3, 1, 8, 8, 2, conv(3, 3, 2, 2, 0, 0)},   // the stride does not divide: last row dropped
        {2, 4, 5, 7, 3, conv(3, 2, 2, 1, 0, 1)},   // non-square kernel, stride and padding
        {1, 5, 6, 6, 7, conv(1, 1, 1, 1, 0, 0)},   // 1x1
        {1, 3, 11, 8, 5, conv(5, 5, 2, 2, 2, 2)},  // 5x5, stride 2, padding 2
        {1, 2, 13, 13, 4, conv(3, 3, 1, 1, 2, 2)}, // padding wider than needed
    };
    for (const auto& s : convs) add_conv(out, s, seed += 10);
    add_conv_partial(out, convs[0], seed += 10);
    add_conv_partial(out, convs[3], seed += 10);
}

}  // namespace gs::conformance
