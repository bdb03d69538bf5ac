extension StringProtocol {
    /// The text without the white space (Unicode `White_Space`, line breaks included) at either
    /// end, as Python's `str.strip()` reads botocore's config files and token files.
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(self[first...last])
    }
}
