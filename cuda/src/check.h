// Checking macros: every CUDA runtime, cuBLAS and cuDNN call goes through one
// of these, which turns a failure into a gs::Error naming the file, the line,
// the call and the library's own message.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <string>

#include "gradscope/error.h"

namespace gs::cuda {

[[noreturn]] void throw_failure(const char* library, const char* call, const char* file, int line,
                                const std::string& message);

}  // namespace gs::cuda

#define GS_CUDA_CHECK(call)                                                                   \
    do {                                                                                      \
        const cudaError_t gs_e_ = (call);                                                     \
        if (gs_e_ != cudaSuccess)                                                             \
            ::gs::cuda::throw_failure("CUDA", #call, __FILE__, __LINE__,                      \
                                      cudaGetErrorString(gs_e_));                             \
    } while (0)

#define GS_CUBLAS_CHECK(call)                                                                 \
    do {                                                                                      \
        const cublasStatus_t gs_s_ = (call);                                                  \
        if (gs_s_ != CUBLAS_STATUS_SUCCESS)                                                   \
            ::gs::cuda::throw_failure("cuBLAS", #call, __FILE__, __LINE__,                    \
                                      cublasGetStatusString(gs_s_));                          \
    } while (0)

#define GS_CUDNN_CHECK(call)                                                                  \
    do {                                                                                      \
        const cudnnStatus_t gs_s_ = (call);                                                   \
        if (gs_s_ != CUDNN_STATUS_SUCCESS)                                                    \
            ::gs::cuda::throw_failure("cuDNN", #call, __FILE__, __LINE__,                     \
                                      cudnnGetErrorString(gs_s_));                            \
    } while (0)

// After a kernel launch: reports a bad launch configuration at once.
#define GS_CUDA_CHECK_LAUNCH() GS_CUDA_CHECK(cudaGetLastError())
