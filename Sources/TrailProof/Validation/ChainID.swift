/// One chain of a trail: the account it delivers for and the region that delivers it. Each
/// chain has its own digest folder and its own hourly digests.
public struct ChainID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let accountID: String
    public let region: String

    public init(accountID: String, region: String) {
        self.accountID = accountID
        self.region = region
    }

    public static func < (lhs: ChainID, rhs: ChainID) -> Bool { (lhs.accountID, lhs.region) < (rhs.accountID, rhs.region) }

    /// `ACCOUNT/REGION`.
    public var description: String { "\(accountID)/\(region)" }
}
