// LargePageAllocator: an allocator for the big arrays that training reads at
// random (a dataset's items): blocks of 8 MiB and more are aligned to 2 MiB
// and marked for transparent huge pages (madvise), so that reading items
// spread over tens of megabytes does not miss the TLB on every item. Where
// the kernel gives no huge pages the memory is ordinary and works the same.
#pragma once

#include <cstddef>
#include <new>

namespace gs {

namespace large_pages {
constexpr size_t kPage = size_t{2} << 20;       // 2 MiB
constexpr size_t kThreshold = size_t{8} << 20;  // below this, plain new/delete
void* allocate(size_t bytes);                   // throws std::bad_alloc
void deallocate(void* p, size_t bytes) noexcept;
}  // namespace large_pages

template <class T>
struct LargePageAllocator {
    using value_type = T;
    LargePageAllocator() = default;
    template <class U>
    LargePageAllocator(const LargePageAllocator<U>&) noexcept {}
    T* allocate(size_t n) {
        if (n > static_cast<size_t>(-1) / sizeof(T)) throw std::bad_alloc();
        return static_cast<T*>(large_pages::allocate(n * sizeof(T)));
    }
    void deallocate(T* p, size_t n) noexcept { large_pages::deallocate(p, n * sizeof(T)); }
    template <class U>
    bool operator==(const LargePageAllocator<U>&) const noexcept { return true; }
    template <class U>
    bool operator!=(const LargePageAllocator<U>&) const noexcept { return false; }
};

}  // namespace gs
