import Testing

@testable import TrailProof

@Suite("Times, keys and layout")
struct FormatTests {
    @Test("Timestamps print and parse in CloudTrail's forms")
    func timestamps() throws {
        let time = Timestamp(year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 7)
        #expect(time.iso8601 == "2024-02-29T23:59:07Z")
        #expect(time.compactSeconds == "20240229T235907Z")
        #expect(time.compactMinutes == "20240229T2359Z")
        #expect(time.datePath == "2024/02/29")
        #expect(Timestamp(iso8601: "2024-02-29T23:59:07Z") == time)
        #expect(Timestamp(iso8601: "2024-03-01T01:59:07+02:00") == time)
        #expect(Timestamp(iso8601: "2024-02-29 23:59:07.123456Z") == time)
        #expect(Timestamp(iso8601: "2024-02-29")?.iso8601 == "2024-02-29T00:00:00Z")
        #expect(Timestamp(compact: "20240229T235907Z") == time)
        #expect(Timestamp(secondsSinceEpoch: -1).iso8601 == "1969-12-31T23:59:59Z")
        for bad in ["2023-02-29", "2024-13-01", "2024-01-01T24:00:00Z", "2024-01-01T00:00:00Zjunk", "yesterday", ""] {
            #expect(Timestamp(iso8601: bad) == nil, "\(bad)")
        }
        #expect(Timestamp(strictDigestForm: "2024-02-29T23:59:07+00:00") == nil)
        #expect(Timestamp(strictDigestForm: "2024-02-29T23:59:07Z") == time)
        #expect(Timestamp(strictDigestForm: "2024-02-29T23:59:0\u{0667}Z") == nil, "twenty UTF-8 bytes ending in Z, not ASCII digits")
        // A string that is not native UTF-8 in memory (a Substring's copy) parses the same.
        #expect(Timestamp(iso8601: String("x2024-02-29T23:59:07Z".dropFirst())) == time)
        #expect(time.hourFloor.iso8601 == "2024-02-29T23:00:00Z")
    }

    @Test(
        "Object keys that a path could be tricked by are refused",
        arguments: ["", "/etc/passwd", "a/../b", "..", "a/./b", "a//b", "a/", "a\\b", "a\u{0}b", "a\nb", String(repeating: "k", count: 1025)])
    func unsafeKeys(_ key: String) {
        #expect(throws: TrailProofError(.invalidObjectKey, "")) { try ObjectLocation.validateKey(key) }
    }

    @Test("The key check answers as its rules say, wherever a bad byte or segment falls against eight-byte words")
    func keyCheckAgreesWithRules() {
        // The rules, read plainly: not empty, at most 1024 bytes, no leading slash, no control
        // byte, DEL or backslash, and no empty, "." or ".." segment.
        func safe(_ key: String) -> Bool {
            let bytes = Array(key.utf8)
            guard !bytes.isEmpty, bytes.count <= 1024, bytes.first != UInt8(ascii: "/") else { return false }
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7f || $0 == UInt8(ascii: "\\") }) else { return false }
            return bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).allSatisfy {
                !$0.isEmpty && !$0.elementsEqual([UInt8(ascii: ".")]) && !$0.elementsEqual(Array("..".utf8))
            }
        }
        var generator = SplitMix(seed: 12)
        let pieces = ["a", "b", "/", ".", "..", "\\", "\u{0}", "\u{1f}", "\u{7f}", " ", "~", "é", "€", "abcdefgh", "0123456789"]
        var refused = 0
        for round in 0..<20_000 {
            let key = (0..<Int.random(in: 0...24, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let accepted = (try? ObjectLocation.validateKey(key)) != nil
            if !accepted { refused += 1 }
            #expect(accepted == safe(key), "round \(round): \(Array(key.utf8))")
        }
        #expect(refused > 1_000 && refused < 19_000, "the keys should be a mix (\(refused) refused)")
        let long = String(repeating: "abcdefgh", count: 128)
        #expect((try? ObjectLocation.validateKey(long)) != nil)
        #expect((try? ObjectLocation.validateKey(long + "x")) == nil)
    }

    @Test("Word tests answer as the same test on each of the eight bytes")
    func byteWordTests() {
        var generator = SplitMix(seed: 14)
        // Bytes near every boundary the tests draw, mixed with any byte.
        let near: [UInt8] = [0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x2e, 0x2f, 0x30, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f, 0x80, 0x81, 0xff]
        for _ in 0..<50_000 {
            let bytes = (0..<8).map { _ in
                Bool.random(using: &generator) ? near.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator)
            }
            let word = bytes.withUnsafeBytes { ByteWord($0, at: 0) }
            let probe = near.randomElement(using: &generator)!
            let limit = UInt8.random(in: 1...0x80, using: &generator)
            #expect(word.hasByte(below: limit) == bytes.contains { $0 < limit }, "\(bytes) below \(limit)")
            #expect(word.contains(probe) == bytes.contains(probe), "\(bytes) contains \(probe)")
            #expect(word.hasNonASCII == bytes.contains { $0 >= 0x80 }, "\(bytes)")
            let positions = word.positions(of: probe)
            let expected = bytes.indices.reduce(UInt64(0)) { $0 | (bytes[$1] == probe ? 0x80 << (8 * UInt64($1)) : 0) }
            #expect(positions == expected, "\(bytes) positions of \(probe)")
        }
    }

    @Test("The word-at-a-time ASCII check agrees with a byte-by-byte one at every length and position")
    func wordASCIICheck() {
        // Lengths around the word size, and each one with a single high byte at each place
        // (in the whole words and in the tail read byte by byte).
        var generator = SplitMix(seed: 29)
        for count in 0...40 {
            let ascii = (0..<count).map { _ in UInt8.random(in: 0...0x7f, using: &generator) }
            #expect(ascii.withUnsafeBytes { ByteWord.isASCII($0) }, "\(ascii)")
            for position in 0..<count {
                var bytes = ascii
                bytes[position] = UInt8.random(in: 0x80...0xff, using: &generator)
                #expect(!bytes.withUnsafeBytes { ByteWord.isASCII($0) }, "\(bytes): byte \(position) is not ASCII")
            }
        }
    }

    @Test("The bucket check agrees with a plain reading of its rule on random names")
    func bucketCheckAgreesWithRule() {
        // The rule, read plainly: 3 to 255 bytes of A-Z a-z 0-9 . _ -, no "..", starting and
        // ending with a letter or digit.
        func valid(_ bucket: String) -> Bool {
            let bytes = Array(bucket.utf8)
            func isAlphanumeric(_ byte: UInt8) -> Bool {
                ("a"..."z").contains(Character(Unicode.Scalar(byte))) || ("A"..."Z").contains(Character(Unicode.Scalar(byte)))
                    || ("0"..."9").contains(Character(Unicode.Scalar(byte)))
            }
            guard (3...255).contains(bytes.count), isAlphanumeric(bytes.first!), isAlphanumeric(bytes.last!) else { return false }
            guard bytes.allSatisfy({ isAlphanumeric($0) || Array(".-_".utf8).contains($0) }) else { return false }
            return !bucket.contains("..")
        }
        var generator = SplitMix(seed: 13)
        // Every byte next to the letter and digit ranges, so that an off-by-one shows.
        let allowed = ["a", "z", "A", "Z", "0", "9", ".", "-", "_"]
        let refusedPieces = ["..", "@", "[", "`", "{", "/", ":", " ", "é", "\u{0}", "\u{7f}", "\u{c1}"]
        var refused = 0
        for round in 0..<20_000 {
            let bucket = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                (Int.random(in: 0..<16, using: &generator) == 0 ? refusedPieces : allowed).randomElement(using: &generator)!
            }.joined()
            let accepted = (try? ObjectLocation.validateBucket(bucket)) != nil
            if !accepted { refused += 1 }
            #expect(accepted == valid(bucket), "round \(round): \(Array(bucket.utf8))")
        }
        #expect(refused > 1_000 && refused < 19_000, "the names should be a mix (\(refused) refused)")
        #expect((try? ObjectLocation.validateBucket(String(repeating: "a", count: 255))) != nil)
        #expect((try? ObjectLocation.validateBucket(String(repeating: "a", count: 256))) == nil)
    }

    @Test("Ordinary keys, including dots inside names, are accepted")
    func safeKeys() throws {
        for key in ["a", "AWSLogs/1/CloudTrail/x.json.gz", "a/..b/c..", "a/.hidden", "ü/€"] {
            try ObjectLocation.validateKey(key)
        }
        for bucket in ["..", ".metadata", "a", "a/b", "-ab", "ab-"] {
            #expect(throws: TrailProofError(.invalidObjectKey, "")) { try ObjectLocation.validateBucket(bucket) }
        }
    }

    @Test("Log and digest keys are built and read back as CloudTrail names them")
    func layout() throws {
        let location = try TrailLocation(
            bucket: "b-1", prefix: "p/q/", organizationID: "o-abcdefghij", accountID: "111122223333", region: "eu-west-1")
        let time = Timestamp(year: 2026, month: 1, day: 2, hour: 3, minute: 4)
        let log = location.logKey(deliveredAt: time, unique: "ABCDEFGHIJ012345")
        #expect(
            log
                == "p/q/AWSLogs/o-abcdefghij/111122223333/CloudTrail/eu-west-1/2026/01/02/111122223333_CloudTrail_eu-west-1_20260102T0304Z_ABCDEFGHIJ012345.json.gz"
        )
        #expect(location.logDeliveryTime(ofKey: log) == time)
        #expect(location.logDeliveryTime(ofKey: log.replacingOccurrences(of: "2026/01/02", with: "2026/01/03")) == nil)
        let digest = location.digestKey(trailName: "t-1", homeRegion: "us-east-1", endTime: time)
        #expect(
            digest
                == "p/q/AWSLogs/o-abcdefghij/111122223333/CloudTrail-Digest/eu-west-1/2026/01/02/111122223333_CloudTrail-Digest_eu-west-1_t-1_us-east-1_20260102T030400Z.json.gz"
        )
        #expect(location.digestEndTime(ofKey: digest, trailName: "t-1", homeRegion: "us-east-1")?.end == time)
        #expect(location.digestEndTime(ofKey: digest, trailName: "t-2", homeRegion: "us-east-1") == nil)
        let backfill = location.digestKey(trailName: "t-1", homeRegion: "us-east-1", endTime: time, backfill: true)
        #expect(location.digestEndTime(ofKey: backfill, trailName: "t-1", homeRegion: "us-east-1")?.backfill == true)
        #expect(throws: TrailProofError(.invalidArgument, "")) {
            try TrailLocation(bucket: "b-1", prefix: nil, organizationID: nil, accountID: "12345", region: "us-east-1")
        }
        #expect(throws: TrailProofError(.invalidObjectKey, "")) {
            try TrailLocation(bucket: "b-1", prefix: "../x", organizationID: nil, accountID: "111122223333", region: "us-east-1")
        }
    }

    @Test("Keys are read byte by byte: a canonically equivalent prefix or trail name is another place")
    func keysAreBytes() throws {
        // "café" precomposed in the location; the keys spell it with a combining accent. S3 holds
        // them as different objects, so they are not this trail's files.
        let location = try TrailLocation(bucket: "b-1", prefix: "caf\u{e9}", organizationID: nil, accountID: "111122223333", region: "eu-west-1")
        let other = try TrailLocation(bucket: "b-1", prefix: "cafe\u{301}", organizationID: nil, accountID: "111122223333", region: "eu-west-1")
        let time = Timestamp(year: 2026, month: 1, day: 2, hour: 3, minute: 4)
        let log = other.logKey(deliveredAt: time, unique: "ABCDEFGHIJ012345")
        let digest = other.digestKey(trailName: "t-1", homeRegion: "us-east-1", endTime: time)
        #expect(other.logDeliveryTime(ofKey: log) == time)
        #expect(other.digestEndTime(ofKey: digest, trailName: "t-1", homeRegion: "us-east-1")?.end == time)
        #expect(location.logDeliveryTime(ofKey: log) == nil)
        #expect(location.digestEndTime(ofKey: digest, trailName: "t-1", homeRegion: "us-east-1") == nil)
        // The name's other parts are checked too.
        let good = location.logKey(deliveredAt: time, unique: "ABCDEFGHIJ012345")
        #expect(location.logDeliveryTime(ofKey: good) == time)
        for bad in [
            good.replacingOccurrences(of: "ABCDEFGHIJ012345", with: "ABCDEFGHIJ01234-"),
            good.replacingOccurrences(of: "ABCDEFGHIJ012345", with: "ABCDEFGHIJ0123456"),
            good.replacingOccurrences(of: "T0304Z", with: "T0360Z"),
            good.replacingOccurrences(of: "2026/01/02/", with: "2026/01/02/x/"),
            good.replacingOccurrences(of: ".json.gz", with: ".json"),
            good.replacingOccurrences(of: "_CloudTrail_", with: "_CloudTrail-Digest_"),
        ] {
            #expect(location.logDeliveryTime(ofKey: bad) == nil, "\(bad)")
        }
        let goodDigest = location.digestKey(trailName: "t-1", homeRegion: "us-east-1", endTime: time)
        for bad in [
            goodDigest.replacingOccurrences(of: "030400Z", with: "0304Z"),
            goodDigest.replacingOccurrences(of: "2026/01/02/", with: "2026/01/x/"),
            goodDigest.replacingOccurrences(of: "_us-east-1_", with: "_us-east-2_"),
        ] {
            #expect(location.digestEndTime(ofKey: bad, trailName: "t-1", homeRegion: "us-east-1") == nil, "\(bad)")
        }
    }

    @Test("A digest key's end time is read from the bytes before its suffix, whatever the trail")
    func digestEndTimeOfAnyTrail() throws {
        let location = try TrailLocation(bucket: "b-1", prefix: nil, organizationID: nil, accountID: "111122223333", region: "eu-west-1")
        let time = Timestamp(year: 2026, month: 1, day: 2, hour: 3, minute: 4, second: 5)
        let digest = location.digestKey(trailName: "t-1", homeRegion: "us-east-1", endTime: time)
        let backfill = location.digestKey(trailName: "t-1", homeRegion: "us-east-1", endTime: time, backfill: true)
        #expect(TrailLocation.digestEndTime(ofAnyTrailKey: digest) == time)
        #expect(TrailLocation.digestEndTime(ofAnyTrailKey: backfill) == time)
        #expect(TrailLocation.digestEndTime(ofAnyTrailKey: "20260102T030405Z.json.gz") == time)
        for bad in [
            "0260102T030405Z.json.gz", ".json.gz", "_backfill.json.gz", "", "20260102T030405Z.json", "20260102T030405Z.JSON.GZ",
            "20260102T030405Z_backfill.json", "x/20260102T030405Z.json.gz/", "20260102T030405Z\u{301}.json.gz",
            digest.replacingOccurrences(of: "030405Z", with: "030465Z"),
        ] {
            #expect(TrailLocation.digestEndTime(ofAnyTrailKey: bad) == nil, "\(bad)")
        }
        // Too short for the name parts after the folders: nil, never a slice out of range.
        for short in [
            location.digestPrefix + "2026/01/02/.json.gz", location.digestPrefix + "2026/01/02/_backfill.json.gz",
            location.digestPrefix + "2026/01/02/111122223333_CloudTrail-Digest_eu-west-1_.json.gz",
            location.digestPrefix + "2026/01/02",
        ] {
            #expect(location.digestEndTime(ofKey: short, trailName: "t-1", homeRegion: "us-east-1") == nil, "\(short)")
        }
    }

    @Test("Trail ARNs are read as aws-cli reads them")
    func trailARN() throws {
        let arn = try TrailARN("arn:aws-cn:cloudtrail:cn-north-1:111122223333:trail/my.trail")
        #expect(arn.homeRegion == "cn-north-1" && arn.accountID == "111122223333" && arn.trailName == "my.trail")
        for bad in ["arn:aws:cloudtrail:us-east-1:1111:trail/x", "arn:aws:s3:us-east-1:111122223333:trail/x", "trail/x"] {
            #expect(throws: TrailProofError(.invalidArgument, "")) { try TrailARN(bad) }
        }
    }

    @Test("Public key entries are equal, and hash equally, exactly when every field is equal")
    func publicKeyEntryIdentity() throws {
        let start = try #require(Timestamp(iso8601: "2026-01-01T00:00:00Z"))
        let end = try #require(Timestamp(iso8601: "2026-12-31T00:00:00Z"))
        let base = PublicKeyEntry(der: [UInt8](repeating: 7, count: 270), validityStart: start, validityEnd: end, fingerprint: "ab")
        var others: [PublicKeyEntry] = []
        for change in 0..<6 {
            var other = base
            switch change {
            case 0: other.der[269] = 8
            case 1: other.der.removeLast()
            case 2: other.validityStart = end
            case 3: other.validityEnd = start
            case 4: other.fingerprint = "ac"
            default: other.der = []
            }
            others.append(other)
        }
        let copy = PublicKeyEntry(der: base.der, validityStart: start, validityEnd: end, fingerprint: "ab")
        #expect(copy == base)
        #expect(copy.hashValue == base.hashValue)
        for (index, other) in others.enumerated() { #expect(other != base, "\(index)") }
        #expect(Set(others + [base, copy]).count == others.count + 1)
    }
}
