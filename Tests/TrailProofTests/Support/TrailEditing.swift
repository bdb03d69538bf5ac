import Foundation

@testable import TrailProof

/// Edits a scenario trail's store the way an attacker with write access (and, for re-signing,
/// a signing key) would.
extension ScenarioTrail {
    var localStore: LocalStore { get throws { try LocalStore(root: store) } }

    func object(_ key: String) -> ObjectLocation { ObjectLocation(bucket: bucket, key: key) }

    /// The digest's parsed content.
    func digestFile(_ key: String) async throws -> DigestFile {
        try DigestFile(parsing: try GzipInflater.decompressWhole(try await localStore.getObject(object(key)).bytes))
    }

    /// Rewrites a digest and signs it again with the scenario keyring's key valid at
    /// `signingTime` (default: its end), as a holder of that private key could.
    func resign(_ key: String, signingTime: Timestamp? = nil, edit: (inout DigestFile) -> Void = { _ in }) async throws {
        var digest = try await digestFile(key)
        edit(&digest)
        let keyring = try Keyring(directory: self.keyring, mustExist: true)
        let (signingKey, privateKey) = try keyring.signingKey(region: Self.region, at: signingTime ?? digest.endTime)
        digest.publicKeyFingerprint = signingKey.fingerprint
        try await writeSigned(digest.serialized(), digest: digest, privateKey: privateKey)
    }

    /// Stores digest bytes as given, with a valid signature over exactly those bytes.
    func writeSigned(_ bytes: [UInt8], digest: DigestFile, privateKey: RSAPrivateKey) async throws {
        let signature = try digest.signature(over: bytes, with: privateKey)
        try await localStore.putObject(
            digest.location, bytes: try Gzip.compress(bytes), metadata: ["signature": Hex.encode(signature), "signature-algorithm": "SHA256withRSA"],
            overwrite: true)
    }

    func remove(_ key: String) throws {
        try FileManager.default.removeItem(atPath: objectPath(key))
        if FileManager.default.fileExists(atPath: metadataPath(key)) { try FileManager.default.removeItem(atPath: metadataPath(key)) }
    }

    /// Runs `trailproof validate-logs` with the full checks (and extra arguments).
    func validateFull(_ extra: [String] = [], end: String = end, timeoutSeconds: TimeInterval? = nil) throws -> ProcessResult {
        try trailproof(["validate-logs", "--store", store] + validationArguments(verbose: false, end: end) + extra, timeout: timeoutSeconds)
    }
}
