// Dense layers on cuBLAS. Tensors are row-major; cuBLAS is column-major, so
// each product is written for the transposes: a row-major (R, C) matrix is a
// column-major (C, R) one with leading dimension C.
#include "check.h"
#include "cuda_backend.h"
#include "shape_util.h"

namespace gs::cuda {

void CudaBackend::dense_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y) {
    activate();
    const int N = x.dim(0), K = static_cast<int>(per_item(x)), M = w.dim(0);
    const float one = 1.0f, zero = 0.0f;
    // y^T (M,N) = w (M,K) x^T (K,N): w's buffer is w^T col-major (K,M) -> op T.
    GS_CUBLAS_CHECK(cublasSgemm(m_blas, CUBLAS_OP_T, CUBLAS_OP_N, M, N, K, &one, w.data(), K,
                                x.data(), K, &zero, y.data(), M));
    if (b) {
        cuda::add_bias_rows(y.data(), b->data(), N, M, m_stream);
        GS_CUDA_CHECK_LAUNCH();
    }
}

void CudaBackend::dense_backward(const Tensor& x, const Tensor& w, const Tensor& dy, Tensor* dx,
                                 Tensor& dw, Tensor* db) {
    activate();
    const int N = x.dim(0), K = static_cast<int>(per_item(x)), M = w.dim(0);
    const float one = 1.0f, zero = 0.0f;
    if (dx)  // dx^T (K,N) = w^T (K,M) dy^T (M,N)
        GS_CUBLAS_CHECK(cublasSgemm(m_blas, CUBLAS_OP_N, CUBLAS_OP_N, K, N, M, &one, w.data(), K,
                                    dy.data(), M, &zero, dx->data(), K));
    // dw^T (K,M) = x^T (K,N) dy (N,M): dy's buffer is dy^T col-major (M,N) -> op T.
    GS_CUBLAS_CHECK(cublasSgemm(m_blas, CUBLAS_OP_N, CUBLAS_OP_T, K, M, N, &one, x.data(), K,
                                dy.data(), M, &zero, dw.data(), K));
    if (db) {
        cuda::sum_rows(dy.data(), db->data(), N, M, m_stream);
        GS_CUDA_CHECK_LAUNCH();
    }
}

}  // namespace gs::cuda
