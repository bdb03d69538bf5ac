extension Duration {
    /// The whole milliseconds of this duration, as logs show elapsed times.
    var wholeMilliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
