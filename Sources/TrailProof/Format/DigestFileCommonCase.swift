extension DigestFile {
    /// The names of a digest's members, in CloudTrail's order.
    private static let memberNames = [
        "awsAccountId", "digestStartTime", "digestEndTime", "digestS3Bucket", "digestS3Object", "digestPublicKeyFingerprint",
        "digestSignatureAlgorithm", "newestEventTime", "oldestEventTime", "previousDigestS3Bucket", "previousDigestS3Object",
        "previousDigestHashValue", "previousDigestHashAlgorithm", "previousDigestSignature", "logFiles",
    ].map { Array($0.utf8) }
    /// The names of a `logFiles` entry's members, in CloudTrail's order.
    private static let entryNames = ["s3Bucket", "s3Object", "hashValue", "hashAlgorithm", "newestEventTime", "oldestEventTime"].map {
        Array($0.utf8)
    }

    /// ``init(parsing:)`` for the documents CloudTrail writes, read in one pass without a JSON
    /// tree: every member exactly once and no other, strings of printable ASCII with no escape
    /// but `\/`, `\"` and `\\`, and a digest ``init(parsing:)`` accepts. Anything else is nil,
    /// and ``init(parsing:)`` reads the document strictly, so that its answer (this digest, or
    /// why the document is refused) is the only one. A run parses every digest of the range.
    init?(commonCase document: [UInt8]) {
        let parsed = document.withUnsafeBufferPointer { bytes -> DigestFile? in
            var scanner = CommonCaseScanner(bytes: bytes)
            guard let (members, entries) = scanner.document(), scanner.atEnd else { return nil }
            return DigestFile(members: members, entries: entries)
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// The digest from its members (strings or nil for `null`, by ``memberNames`` index),
    /// accepted exactly when ``init(parsing:)`` accepts them.
    private init?(members: [String?], entries: [LogFileEntry]) {
        // Every member but the event times and the previousDigest* ones must be a string.
        guard let accountID = members[0], let start = members[1], let end = members[2], let bucket = members[3],
            let key = members[4], let fingerprint = members[5], let algorithm = members[6],
            let startTime = Timestamp(strictDigestForm: start), let endTime = Timestamp(strictDigestForm: end)
        else { return nil }
        let previous: PreviousDigest?
        switch (members[9], members[10], members[11], members[12], members[13]) {
        case (nil, nil, nil, nil, nil): previous = nil
        case (let bucket?, let key?, let hash?, let hashAlgorithm?, let signature?):
            previous = PreviousDigest(
                location: ObjectLocation(bucket: bucket, key: key), hashValue: hash, hashAlgorithm: hashAlgorithm, signature: signature)
        default: return nil
        }
        guard entries.isEmpty || (members[7] != nil && members[8] != nil) else { return nil }
        self.init(
            awsAccountID: accountID, startTime: startTime, endTime: endTime, location: ObjectLocation(bucket: bucket, key: key),
            publicKeyFingerprint: fingerprint, signatureAlgorithm: algorithm, newestEventTime: members[7], oldestEventTime: members[8],
            previous: previous, logFiles: entries)
    }

    /// Reads the common case of a digest document; every method answers nil (or false) at the
    /// first byte outside it.
    private struct CommonCaseScanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        /// The name tables, read once per document (a static is checked for initialisation at
        /// every use).
        private let memberNames = DigestFile.memberNames
        private let entryNames = DigestFile.entryNames

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        var atEnd: Bool {
            mutating get {
                skipWhitespace()
                return position == bytes.count
            }
        }

        /// The top-level object: its members by ``memberNames`` index and its log file entries.
        mutating func document() -> ([String?], [LogFileEntry])? {
            var members = [String?](repeating: nil, count: memberNames.count)
            var entries: [LogFileEntry] = []
            var seen = 0
            let names = memberNames
            let found = object(names: names) { scanner, index in
                guard seen & (1 << index) == 0 else { return false }
                seen |= 1 << index
                if index == names.count - 1 {
                    guard let logFiles = scanner.logFiles() else { return false }
                    entries = logFiles
                } else if !scanner.null() {
                    guard let value = scanner.string() else { return false }
                    members[index] = value
                }
                return true
            }
            guard found, seen == (1 << memberNames.count) - 1 else { return nil }
            return (members, entries)
        }

        /// The `logFiles` array.
        private mutating func logFiles() -> [LogFileEntry]? {
            skipWhitespace()
            guard take(UInt8(ascii: "[")) else { return nil }
            var entries: [LogFileEntry] = []
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return entries }
            repeat {
                skipWhitespace()
                guard let entry = entry() else { return nil }
                entries.append(entry)
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]")) ? entries : nil
        }

        /// One `logFiles` entry: six strings.
        private mutating func entry() -> LogFileEntry? {
            var bucket: String?
            var key: String?
            var hash: HashText?
            var algorithm: String?
            var newest: ShortText?
            var oldest: ShortText?
            let names = entryNames
            let found = object(names: names) { scanner, index in
                func set<Value>(_ slot: inout Value?, _ value: Value?) -> Bool {
                    guard slot == nil, let value else { return false }
                    slot = value
                    return true
                }
                // The hash and the event times are kept in place: no strings made.
                switch index {
                case 0: return set(&bucket, scanner.string())
                case 1: return set(&key, scanner.string())
                case 2: return set(&hash, scanner.compactText())
                case 3: return set(&algorithm, scanner.string())
                case 4: return set(&newest, scanner.compactText())
                default: return set(&oldest, scanner.compactText())
                }
            }
            guard found, let bucket, let key, let hash, let algorithm, let newest, let oldest else { return nil }
            return LogFileEntry(
                location: ObjectLocation(bucket: bucket, key: key), hash: hash, hashAlgorithm: algorithm, newest: newest, oldest: oldest)
        }

        /// An object whose members are all among `names` and whose values `member` reads (given
        /// the member's index in `names`, positioned at its value); false if `member` does, a
        /// name is not among `names` or the object is not in the common case.
        private mutating func object(names: [[UInt8]], _ member: (inout Self, Int) -> Bool) -> Bool {
            skipWhitespace()
            guard take(UInt8(ascii: "{")) else { return false }
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return true }
            var expected = 0
            repeat {
                skipWhitespace()
                guard let index = memberIndex(in: names, expected: expected) else { return false }
                expected = index + 1
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return false }
                skipWhitespace()
                guard member(&self, index) else { return false }
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}"))
        }

        /// A member name: printable ASCII without escapes.
        private mutating func name() -> UnsafeBufferPointer<UInt8>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = position
            skipPlainWords()
            while position < bytes.count, bytes[position] >= 0x20, bytes[position] < 0x80, bytes[position] != UInt8(ascii: "\""),
                bytes[position] != UInt8(ascii: "\\")
            {
                position += 1
            }
            guard take(UInt8(ascii: "\"")) else { return nil }
            return UnsafeBufferPointer(rebasing: bytes[start..<(position - 1)])
        }

        /// A string value of printable ASCII whose only escapes are `\/`, `\"` and `\\`.
        private mutating func string() -> String? {
            guard let (raw, escapes) = stringBytes() else { return nil }
            return escapes == 0 ? String(decoding: raw, as: UTF8.self) : Self.unescaped(raw, escapes: escapes)
        }

        /// ``string()`` kept compact (``ShortText``, ``HashText``): no string made for the usual value.
        private mutating func compactText<Text: CompactText>() -> Text? {
            guard let (raw, escapes) = stringBytes() else { return nil }
            return escapes == 0 ? Text(utf8: UnsafeRawBufferPointer(raw)) : Text(Self.unescaped(raw, escapes: escapes))
        }

        /// The raw bytes of a string value (between its quotes) and how many escapes they hold.
        private mutating func stringBytes() -> (UnsafeBufferPointer<UInt8>, escapes: Int)? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = position
            var escapes = 0
            // Plain words skipped whole; the word that stops it read byte by byte (an escape may
            // carry the reading one byte past it).
            scanning: while true {
                skipPlainWords()
                let wordEnd = min(position + 8, bytes.count)
                guard position < wordEnd else { return nil }
                while position < wordEnd {
                    let byte = bytes[position]
                    if byte == UInt8(ascii: "\"") { break scanning }
                    guard byte >= 0x20, byte < 0x80 else { return nil }
                    if byte == UInt8(ascii: "\\") {
                        guard position + 1 < bytes.count else { return nil }
                        switch bytes[position + 1] {
                        case UInt8(ascii: "/"), UInt8(ascii: "\""), UInt8(ascii: "\\"): escapes += 1
                        default: return nil
                        }
                        position += 2
                    } else {
                        position += 1
                    }
                }
            }
            guard position < bytes.count else { return nil }
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
            position += 1
            return (raw, escapes)
        }

        /// `raw` without its `escapes` backslashes: each escape is a backslash before the byte it stands for.
        private static func unescaped(_ raw: UnsafeBufferPointer<UInt8>, escapes: Int) -> String {
            String(unsafeUninitializedCapacity: raw.count - escapes) { out in
                var written = 0
                var index = 0
                while index < raw.count {
                    if raw[index] == UInt8(ascii: "\\") { index += 1 }
                    out[written] = raw[index]
                    written += 1
                    index += 1
                }
                return written
            }
        }

        /// Moves over the whole words of string bytes that need no look (``ByteWord``).
        @inline(__always)
        private mutating func skipPlainWords() {
            position = ByteWord.endOfPlainStringWords(in: UnsafeRawBufferPointer(bytes), from: position)
        }

        private mutating func null() -> Bool {
            guard bytes.count - position >= 4, bytes[position] == UInt8(ascii: "n"), bytes[position + 1] == UInt8(ascii: "u"),
                bytes[position + 2] == UInt8(ascii: "l"), bytes[position + 3] == UInt8(ascii: "l")
            else { return false }
            position += 4
            return true
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        private mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0a, 0x0d: position += 1
                default: return
                }
            }
        }

        /// Reads a member name and answers its index in `names`, or nil. The name CloudTrail
        /// writes next (`expected`) is compared in place first, quotes included; any other is
        /// read by ``name()`` and looked up.
        private mutating func memberIndex(in names: [[UInt8]], expected: Int) -> Int? {
            if expected < names.count {
                let next = names[expected]
                let closing = position + 1 + next.count
                if closing < bytes.count, bytes[position] == UInt8(ascii: "\""), bytes[closing] == UInt8(ascii: "\""),
                    next.withUnsafeBytes({
                        ObjectLocation.sameBytes($0, UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[(position + 1)..<closing])))
                    })
                {
                    position = closing + 1
                    return expected
                }
            }
            guard let name = name() else { return nil }
            return names.firstIndex { candidate in
                candidate.count == name.count && candidate.withUnsafeBytes { ObjectLocation.sameBytes($0, UnsafeRawBufferPointer(name)) }
            }
        }
    }
}
