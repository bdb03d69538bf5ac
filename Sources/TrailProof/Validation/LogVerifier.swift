/// Checks one log file against its digest entry: streams it from the store through gunzip
/// and SHA-256 (memory does not grow with its size) and compares the hash.
struct LogVerifier: Sendable {
    let store: any ObjectStore

    func verify(_ entry: DigestFile.LogFileEntry) async -> Verdict {
        let object = entry.location
        do {
            try ObjectLocation.validateBucket(object.bucket)
            try ObjectLocation.validateKey(object.key)
        } catch let error as TrailProofError {
            return .invalid(Finding(.unsafeKey, error.message))
        } catch {
            return .invalid(Finding(.unsafeKey, "\(error)"))
        }
        let inflater = GzipInflater()
        let hasher = MessageDigest(.sha256)
        do {
            try await store.readObject(object) { chunk in
                try inflater.feed(chunk) { hasher.update($0) }
            }
        } catch let error as GzipInflater.FormatError {
            return .invalid(.invalidFormat("not gzip: \(error.reason)"))
        } catch let error as TrailProofError {
            if error.code == .objectNotFound { return .invalid(.notFound) }
            return .unreadable(Finding(.readFailure, error.message))
        } catch {
            return .unreadable(Finding(.readFailure, "\(error)"))
        }
        // As aws-cli: what inflated so far is hashed, and a different hash is reported first.
        guard Hex.encode(hasher.finish()) == entry.hashValue else { return .invalid(.hashMismatch) }
        switch inflater.finish() {
        case .complete:
            return .valid
        case .truncated:
            return .invalid(Finding(.truncatedGzipStream, "gzip stream is truncated"))
        case .trailingData(let count):
            return .invalid(Finding(.dataAfterGzipStream, "data after the end of the gzip stream", detail: "\(count) bytes"))
        }
    }
}
