import Foundation
import Testing

@testable import TrailProof

@Suite("Keyring")
struct KeyringTests {
    @Test("Generating rotates: the previous key ends where the new one starts; keys are published as ListPublicKeys")
    func rotation() throws {
        let folder = try TestEnvironment.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var keyring = try Keyring(directory: folder.path)
        let first = try keyring.generate(region: "us-east-1", validFrom: Timestamp(year: 2026, month: 1, day: 1), validDays: 30)
        let other = try keyring.generate(region: "eu-west-1", validFrom: Timestamp(year: 2026, month: 1, day: 1), validDays: 30)
        let second = try keyring.generate(region: "us-east-1", validFrom: Timestamp(year: 2026, month: 1, day: 10), validDays: 30)
        let reopened = try Keyring(directory: folder.path, mustExist: true)
        #expect(reopened.keys.map(\.fingerprint) == [first.fingerprint, other.fingerprint, second.fingerprint])
        #expect(reopened.keys[0].validityEnd == Timestamp(year: 2026, month: 1, day: 10))
        #expect(reopened.keys[1].validityEnd == Timestamp(year: 2026, month: 1, day: 31))
        #expect(try reopened.signingKey(region: "us-east-1", at: Timestamp(year: 2026, month: 1, day: 9)).key.fingerprint == first.fingerprint)
        #expect(try reopened.signingKey(region: "us-east-1", at: Timestamp(year: 2026, month: 1, day: 10)).key.fingerprint == second.fingerprint)
        #expect(throws: TrailProofError(.keyringFailure, "")) {
            try reopened.signingKey(region: "us-east-1", at: Timestamp(year: 2025, month: 1, day: 1))
        }
        #expect(throws: TrailProofError(.invalidArgument, "")) {
            var copy = reopened
            try copy.generate(region: "us-east-1", validFrom: Timestamp(year: 2026, month: 1, day: 5), validDays: 30)
        }
        let published = try PublicKeyList(contentsOfFile: reopened.publicKeysPath)
        #expect(published == reopened.publicKeyList)
        for entry in published.entries {
            #expect(MessageDigest.md5Hex(entry.der) == entry.fingerprint)
            #expect(try RSAPublicKey(der: entry.der).pkcs1DER == entry.der, "Value must be PKCS#1 DER")
        }
        let privateKey = folder.path + "/private/\(first.fingerprint).pem"
        let mode = (try FileManager.default.attributesOfItem(atPath: privateKey)[.posixPermissions] as? Int) ?? 0
        #expect(mode == 0o600)
    }

    @Test("aws cloudtrail list-public-keys output is read as it is, SubjectPublicKeyInfo values included")
    func readsAWSCLIOutput() throws {
        let der = try RSAPrivateKey(generatingBits: 2048).publicKey().pkcs1DER
        let spkiHex = "30820122300d06092a864886f70d01010105000382010f00" + Hex.encode(der)
        let spki = Hex.decode(spkiHex)!
        let document = """
            {
                "PublicKeyList": [
                    {"Value": "\(Data(der).base64EncodedString())", "ValidityStartTime": "2026-01-01T00:00:00+00:00",
                     "ValidityEndTime": "2026-01-31T00:00:00+00:00", "Fingerprint": "\(MessageDigest.md5Hex(der))"},
                    {"Value": "\(Data(spki).base64EncodedString())", "ValidityStartTime": 1767225600,
                     "ValidityEndTime": 1769817600.0, "Fingerprint": "\(MessageDigest.md5Hex(spki))"}
                ]
            }
            """
        let list = try PublicKeyList(json: Array(document.utf8), source: "test")
        #expect(list.entries.count == 2)
        #expect(list.entries[1].validityStart == Timestamp(year: 2026, month: 1, day: 1))
        #expect(try RSAPublicKey(der: list.entries[1].der).pkcs1DER == der)
        #expect(list.keysOverlapping(start: Timestamp(year: 2026, month: 2, day: 1), end: Timestamp(year: 2026, month: 2, day: 2)).isEmpty)
        #expect(throws: TrailProofError(.invalidPublicKeyList, "")) {
            try PublicKeyList(json: Array(#"{"PublicKeyList":[{"Value":"!!"}]}"#.utf8), source: "t")
        }
    }
}
