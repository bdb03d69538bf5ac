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
        let folder = valid.location.key.split(separator: "/").dropLast().suffix(3).joined(separator: "/")
        if folder != digest.endTime.datePath {
            return Finding(
                .keyTimeMismatch, "digestEndTime \(digest.endTime) is not the date of its folder \(folder)",
                detail: "a digest is filed under the date of its end time")
        }
        return nil
    }
}
