import Testing

@testable import TrailProof

@Suite("Time windows")
struct TimeWindowsTests {
    @Test("Merged windows answer as a pass over every window would: start inclusive, end exclusive, overlaps, gaps, late inserts")
    func againstAPass() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var windows = TimeWindows()
            var plain: [(Int64, Int64)] = []
            func check() {
                for second in Int64(-5)...Int64(1_000) {
                    let expected = plain.contains { second >= $0.0 && second < $0.1 }
                    #expect(windows.contains(Timestamp(secondsSinceEpoch: second)) == expected, "\(second) in \(plain)")
                }
            }
            for round in 0..<2 {
                for _ in 0..<Int.random(in: 0...12, using: &generator) {
                    let start = Int64.random(in: 0...950, using: &generator)
                    let end = start + Int64.random(in: -5...120, using: &generator)
                    windows.insert(start: Timestamp(secondsSinceEpoch: start), end: Timestamp(secondsSinceEpoch: end))
                    if start < end { plain.append((start, end)) }
                }
                if round == 0 { check() }
            }
            check()
        }
    }
}
