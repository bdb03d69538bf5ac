import Foundation
import Testing

@testable import TrailProof

@Suite("RSA SHA256withRSA verification")
struct RSAVerifierTests {
    struct VectorCase: CustomTestStringConvertible, Sendable {
        let file: String
        var testDescription: String { file }
    }

    /// Every Wycheproof PKCS#1 v1.5 SHA-256 vector: `valid` accepted, `invalid` and `acceptable`
    /// (legacy encodings) rejected, with the key read both as PKCS#1 and as SubjectPublicKeyInfo.
    @Test(
        "Wycheproof vectors",
        arguments: ["rsa_signature_2048_sha256_test.json", "rsa_signature_3072_sha256_test.json", "rsa_signature_4096_sha256_test.json"]
    )
    func wycheproof(_ file: String) throws {
        let url = TestEnvironment.shared.appendingPathComponent("vectors/wycheproof/\(file)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let groups = try #require(document["testGroups"] as? [[String: Any]])
        var counts: [String: Int] = [:]
        for group in groups {
            let pkcs1 = try RSAPublicKey(der: try #require(Hex.decode(group["publicKeyAsn"] as! String)))
            let spki = try RSAPublicKey(der: try #require(Hex.decode(group["publicKeyDer"] as! String)))
            #expect(pkcs1.pkcs1DER == spki.pkcs1DER)
            for test in group["tests"] as! [[String: Any]] {
                let message = try #require(Hex.decode(test["msg"] as! String))
                let signature = try #require(Hex.decode(test["sig"] as! String))
                let result = test["result"] as! String
                let expected = result == "valid"
                for key in [pkcs1, spki] {
                    #expect(
                        key.isValidSignature(signature, for: message) == expected,
                        "tcId \(test["tcId"]!) (\(result)): \(test["comment"] ?? "")")
                }
                counts[result, default: 0] += 1
            }
        }
        #expect(counts["valid", default: 0] > 0 && counts["invalid", default: 0] > 0, "vectors read: \(counts)")
    }

    @Test("Signatures made with a generated key verify; altered messages and signatures do not")
    func signAndVerify() throws {
        let privateKey = try RSAPrivateKey(generatingBits: 2048)
        let publicKey = try privateKey.publicKey()
        let message = Array("2026-01-01T01:00:00Z\nbucket/key\nabc\nnull".utf8)
        let signature = try privateKey.signature(for: message)
        #expect(signature.count == 256)
        #expect(publicKey.isValidSignature(signature, for: message))
        #expect(!publicKey.isValidSignature(signature, for: message + [0x0a]))
        var altered = signature
        altered[100] ^= 0x01
        #expect(!publicKey.isValidSignature(altered, for: message))
        #expect(!publicKey.isValidSignature([0] + signature, for: message))
        #expect(!publicKey.isValidSignature(Array(signature.dropFirst()), for: message))
    }

    @Test("One key verifies from many tasks at once, valid and invalid signatures mixed, each answer right")
    func concurrentVerification() async throws {
        let privateKey = try RSAPrivateKey(generatingBits: 2048)
        let publicKey = try privateKey.publicKey()
        let messages = (0..<8).map { Array("digest \($0)".utf8) }
        let signatures = try messages.map { try privateKey.signature(for: $0) }
        // The modulus itself as a signature: the public operation refuses it (not below n).
        let outOfRange = Array(publicKey.pkcs1DER[9..<265])
        try #require(outOfRange.count == 256 && outOfRange[0] != 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for round in 0..<150 {
                        let index = (task + round) % messages.count
                        switch round % 4 {
                        case 0, 2:
                            #expect(publicKey.isValidSignature(signatures[index], for: messages[index]), "task \(task) round \(round)")
                        case 1:
                            #expect(!publicKey.isValidSignature(signatures[index], for: messages[(index + 1) % messages.count]))
                        default:
                            #expect(!publicKey.isValidSignature(outOfRange, for: messages[index]))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test("A private key survives PEM, and its public key is PKCS#1 DER")
    func pemRoundTrip() throws {
        let privateKey = try RSAPrivateKey(generatingBits: 2048)
        let reloaded = try RSAPrivateKey(pem: try privateKey.pemRepresentation())
        #expect(try reloaded.publicKey().pkcs1DER == privateKey.publicKey().pkcs1DER)
        let der = try privateKey.publicKey().pkcs1DER
        // PKCS#1 RSAPublicKey: SEQUENCE { INTEGER n (257 bytes with its sign byte), INTEGER e }.
        #expect(der.count == 270 && der[0] == 0x30)
        #expect(try RSAPublicKey(der: der).bits == 2048)
    }

    @Test("Keys that are not RSA-2048 or more, or carry trailing bytes, are refused")
    func refusesBadKeys() throws {
        let der = try RSAPrivateKey(generatingBits: 2048).publicKey().pkcs1DER
        #expect(throws: TrailProofError(.invalidPublicKeyList, "")) { try RSAPublicKey(der: der + [0]) }
        #expect(throws: TrailProofError(.invalidPublicKeyList, "")) { try RSAPublicKey(der: Array(der.dropLast())) }
        #expect(throws: TrailProofError(.invalidPublicKeyList, "")) { try RSAPublicKey(der: []) }
        #expect(throws: TrailProofError(.invalidArgument, "")) { try RSAPrivateKey(generatingBits: 1024) }
    }

    @Test("SHA-256 and MD5 match known answers")
    func digests() {
        #expect(MessageDigest.sha256Hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(MessageDigest.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(MessageDigest.md5Hex(Array("abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(Hex.decode("0aFF") == [0x0a, 0xff])
        #expect(Hex.decode("0a0") == nil && Hex.decode("zz") == nil)
    }
}
