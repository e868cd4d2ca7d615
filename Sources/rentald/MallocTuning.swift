import Foundation
import CMalloc
import RentalKit

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

    /// Start-up work — migrations, the integrity check, demo seeding, the first scans — leaves SQLite's caches
    /// full and free memory in the allocator's heaps, which a daemon that then sits idle would keep: both
    /// are handed back when each piece of that work is done (about 0.8 MB with the demo store). On a thread
    /// of its own: it waits for reads in flight.
    static func releaseAfterStartUp(_ store: RentalStore) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                store.releaseMemory()
                _ = malloc_trim(0)
                done.resume()
            }
        }
    }
}
