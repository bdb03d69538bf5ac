import Foundation

@testable import TrailProof

/// Signs and stores hand-made digests with the repository's test keyring (keys/, test-only),
/// for cases a well-behaved producer never writes.
enum SignedDigests {
    static var testKeyring: Keyring {
        get throws { try Keyring(directory: TestEnvironment.repositoryRoot.appendingPathComponent("keys/test-keyring").path, mustExist: true) }
    }

    static var testPublicKeys: PublicKeyList {
        get throws { try testKeyring.publicKeyList }
    }

    /// Signs `digest` as CloudTrail would and writes it with its signature metadata; returns
    /// the hex signature.
    @discardableResult
    static func put(_ digest: DigestFile, into store: any ObjectStore, at location: ObjectLocation? = nil) async throws -> String {
        let keyring = try testKeyring
        let (key, privateKey) = try keyring.signingKey(region: "us-east-1", at: digest.endTime)
        var digest = digest
        digest.publicKeyFingerprint = key.fingerprint
        let bytes = digest.serialized()
        let signature = Hex.encode(try digest.signature(over: bytes, with: privateKey))
        try await store.putObject(
            location ?? digest.location, bytes: try Gzip.compress(bytes),
            metadata: ["signature": signature, "signature-algorithm": "SHA256withRSA"], overwrite: true)
        return signature
    }
}
