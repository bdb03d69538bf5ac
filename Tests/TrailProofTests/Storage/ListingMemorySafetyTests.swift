import Glibc
import Testing

@testable import TrailProof

/// Listing a local store reads `readdir`'s entries in place: copying an entry's whole 256-byte
/// name field read past the end of `readdir`'s buffer (valgrind's memcheck reported it), which
/// crashed about one run in sixteen over a 60-day store when the buffer ended at an unmapped page.
@Suite("Listing memory safety")
struct ListingMemorySafetyTests {
    @Test("A short directory entry that ends right before an unmapped page is read without touching that page")
    func entryAtPageEnd() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let memory = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), memory != MAP_FAILED else {
            throw TrailProofError(.storageFailure, "mmap failed")
        }
        defer { munmap(memory, 2 * page) }
        // The second page becomes a guard: any read of it kills the process.
        #expect(mprotect(memory + page, page, PROT_NONE) == 0)
        let name = "a.json.gz"
        let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        // The entry is as long as its name needs (as readdir lays entries out) and ends at the guard.
        let entryStart = memory + page - (offset + name.utf8.count + 1)
        memset(entryStart, 0, offset + name.utf8.count + 1)
        _ = name.withCString { memcpy(entryStart + offset, $0, name.utf8.count + 1) }
        let entry = entryStart.assumingMemoryBound(to: dirent.self)
        #expect(DirectoryEntry.name(entry) == name)
    }
}
