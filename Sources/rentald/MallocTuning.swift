import CMalloc

/// glibc's allocator hands freed memory back to the kernel as soon as 128 KiB sit free at the top of a
/// heap, and the next request faults the same pages in again: under load that churn (madvise, page
/// faults, zeroing) cost rentald about a sixth of its CPU per checkout. Fixed thresholds keep up to
/// 1 MiB free per heap and stop the allocator from moving them (which it otherwise does after every large
/// free). Measured in BENCHMARKS.md; idle memory does not change.
enum MallocTuning {
    /// Free memory kept at the top of each heap before it is returned.
    static let trimThreshold: Int32 = 1 << 20
    /// Allocations from this size on get their own mapping.
    static let mmapThreshold: Int32 = 512 << 10

    /// Sets both thresholds; call before serving.
    static func apply() {
        _ = mallopt(M_TRIM_THRESHOLD, trimThreshold)
        _ = mallopt(M_MMAP_THRESHOLD, mmapThreshold)
    }

    /// Hands every free page of every heap back to the kernel (`malloc_trim`), not only those at the top.
    static func returnFreeMemory() {
        _ = malloc_trim(0)
    }
}
