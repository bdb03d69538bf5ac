/// A digest's `awsAccountId` is the account whose folder it was delivered to [chain-mismatch].
struct AccountCheck: DigestCheck {
    func problem(with valid: ValidDigest, in context: DigestCheckContext) -> Finding? {
        let account = context.location.accountID
        guard valid.digest.awsAccountID != account else { return nil }
        return Finding(.chainMismatch, "awsAccountId \(valid.digest.awsAccountID) is not the account \(account) it was delivered for")
    }
}
