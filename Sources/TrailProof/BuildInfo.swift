internal import CBuildInfo

/// Which TrailProof this is: its version, and the git commit it was built from when the build
/// recorded one (the project's build scripts do; see `.ci/record-commit.sh`).
public enum BuildInfo {
    /// The release version.
    public static let version = "0.9.0"

    /// The commit (40 hex digits, `-dirty` if the tree had uncommitted changes), or nil when the
    /// build did not record it.
    public static let commit: String? = {
        let recorded = String(cString: trailproof_build_commit())
        return recorded.isEmpty ? nil : recorded
    }()

    /// `0.9.0 (commit 1a2b…)`, or `0.9.0 (commit not recorded)`.
    public static var description: String {
        "\(version) (\(commit.map { "commit \($0)" } ?? "commit not recorded"))"
    }
}
