// large_pages.h: 2 MiB-aligned blocks marked MADV_HUGEPAGE for big arrays.
#include "gradscope/large_pages.h"

#include <cstdlib>
#include <sys/mman.h>

namespace gs::large_pages {

namespace {
size_t rounded(size_t bytes) { return (bytes + kPage - 1) / kPage * kPage; }
}  // namespace

void* allocate(size_t bytes) {
    if (bytes < kThreshold) return ::operator new(bytes);
    if (bytes > static_cast<size_t>(-1) - kPage) throw std::bad_alloc();
    void* p = std::aligned_alloc(kPage, rounded(bytes));
    if (!p) throw std::bad_alloc();
    // Advice only: a kernel without transparent huge pages says no, and the
    // block stays in ordinary pages.
    (void)madvise(p, rounded(bytes), MADV_HUGEPAGE);
    return p;
}

void deallocate(void* p, size_t bytes) noexcept {
    if (!p) return;
    if (bytes < kThreshold) ::operator delete(p);
    else std::free(p);
}

}  // namespace gs::large_pages
