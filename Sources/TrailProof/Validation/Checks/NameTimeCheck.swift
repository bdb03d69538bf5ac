/// A digest is named, and filed under the date folder, after its `digestEndTime`: a digest signed
/// for one place of the chain and stored at another is INVALID [key-time-mismatch].
struct NameTimeCheck: DigestCheck {
    func problem(with valid: ValidDigest, in context: DigestCheckContext) -> Finding? {
        let digest = valid.digest
        guard let named = TrailLocation.digestEndTime(ofAnyTrailKey: valid.location.key) else { return nil }
        if named != digest.endTime {
            return Finding(
                .keyTimeMismatch, "digestEndTime \(digest.endTime) is not the time \(named) in its object name",
                detail: "a digest is named after the end of its window; this one was signed for another place in the chain")
        }
        let datePath = digest.endTime.datePath
        // Usually the key is `…/YYYY/MM/DD/NAME`: then its folder is the date path, without
        // splitting the key; anything else takes the full reading below.
        if Self.endsInFolder(valid.location.key, datePath) { return nil }
        let folder = valid.location.key.split(separator: "/").dropLast().suffix(3).joined(separator: "/")
        if folder != datePath {
            return Finding(
                .keyTimeMismatch, "digestEndTime \(digest.endTime) is not the date of its folder \(folder)",
                detail: "a digest is filed under the date of its end time")
        }
        return nil
    }

    /// Whether `key` is `folder/NAME` or `…/folder/NAME` with a non-empty NAME free of `/`.
    private static func endsInFolder(_ key: String, _ folder: String) -> Bool {
        let key = key.utf8
        guard let slash = key.lastIndex(of: UInt8(ascii: "/")), key.index(after: slash) != key.endIndex else { return false }
        let head = key[..<slash]
        guard head.count >= folder.utf8.count, head.suffix(folder.utf8.count).elementsEqual(folder.utf8) else { return false }
        let before = head.dropLast(folder.utf8.count)
        return before.isEmpty || before.last == UInt8(ascii: "/")
    }
}
