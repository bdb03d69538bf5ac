import Synchronization
import Testing

@testable import TrailProof

@Suite("Walk lead")
struct StepWindowTests {
    /// A producer that acquires before each item can never be more than the window ahead of a
    /// consumer that releases after each item, however slow the consumer is.
    @Test("The producer waits once it is a window ahead; every item still arrives, in order")
    func boundedLead() async {
        let window = StepWindow(size: 8)
        let produced = Atomic<Int>(0)
        let (items, continuation) = AsyncStream<Int>.makeStream()
        let producer = Task {
            for item in 0..<500 {
                await window.acquire()
                produced.add(1, ordering: .relaxed)
                continuation.yield(item)
            }
            continuation.finish()
        }
        var consumed = 0
        var largestLead = 0
        for await item in items {
            #expect(item == consumed)
            window.release()
            consumed += 1
            if consumed % 50 == 0 { try? await Task.sleep(for: .milliseconds(5)) }  // a slow consumer now and then
            largestLead = max(largestLead, produced.load(ordering: .relaxed) - consumed)
        }
        await producer.value
        #expect(consumed == 500)
        #expect(largestLead <= 8, "the producer ran \(largestLead) items ahead")
    }
}
