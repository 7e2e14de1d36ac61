// cuDNN convolution plans: for each shape, the descriptors and the forward,
// backward-data and backward-filter algorithms, chosen once (by timing them
// with cudnnFind*) and kept with their workspace sizes.
#pragma once

#include <cudnn.h>

#include <array>
#include <map>

#include "gradscope/backend.h"

namespace gs::cuda {

struct ConvPlan {
    cudnnTensorDescriptor_t x = nullptr, y = nullptr, bias = nullptr;
    cudnnFilterDescriptor_t w = nullptr;
    cudnnConvolutionDescriptor_t conv = nullptr;
    cudnnConvolutionFwdAlgo_t fwd{};
    cudnnConvolutionBwdDataAlgo_t bwd_data{};
    cudnnConvolutionBwdFilterAlgo_t bwd_filter{};
    size_t fwd_bytes = 0, bwd_data_bytes = 0, bwd_filter_bytes = 0;
};

class ConvCache {
public:
    explicit ConvCache(cudnnHandle_t h) : m_handle(h) {}
    ~ConvCache();
    ConvCache(const ConvCache&) = delete;
    ConvCache& operator=(const ConvCache&) = delete;
    // The plan for x (N,C,H,W), w (O,C,KH,KW) and y (N,O,Ho,Wo), made on first use.
    const ConvPlan& plan(const ConvParams& p, const Shape& x, const Shape& w, const Shape& y);

private:
    cudnnHandle_t m_handle;
    std::map<std::array<int, 16>, ConvPlan> m_plans;
};

}  // namespace gs::cuda
