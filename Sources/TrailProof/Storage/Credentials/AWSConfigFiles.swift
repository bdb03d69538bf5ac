import FoundationEssentials

/// The AWS shared config and credentials files, read as botocore reads them: `[default]` and
/// `[profile NAME]` sections of the config file (`AWS_CONFIG_FILE`, `~/.aws/config`), `[NAME]`
/// sections of the credentials file (`AWS_SHARED_CREDENTIALS_FILE`, `~/.aws/credentials`),
/// whose values win over the config file's, and `[sso-session NAME]` sections.
struct AWSConfigFiles: Sendable {
    let configPath: String
    let credentialsPath: String
    private let configProfiles: [String: [String: String]]
    private let credentialsProfiles: [String: [String: String]]
    private let ssoSessions: [String: [String: String]]

    init(environment: [String: String]) {
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        configPath = environment["AWS_CONFIG_FILE"] ?? home + "/.aws/config"
        credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? home + "/.aws/credentials"
        var profiles: [String: [String: String]] = [:]
        var sessions: [String: [String: String]] = [:]
        for (section, values) in Self.sections(of: configPath) {
            if section == "default" {
                profiles["default", default: [:]].merge(values) { $1 }
            } else if section.hasPrefix("profile ") {
                let name = section.dropFirst("profile ".count).trimmingWhitespace()
                profiles[name, default: [:]].merge(values) { $1 }
            } else if section.hasPrefix("sso-session ") {
                sessions[section.dropFirst("sso-session ".count).trimmingWhitespace()] = values
            }
        }
        configProfiles = profiles
        var credentialsProfiles: [String: [String: String]] = [:]
        for (section, values) in Self.sections(of: credentialsPath) {
            credentialsProfiles[section, default: [:]].merge(values) { $1 }
        }
        self.credentialsProfiles = credentialsProfiles
        ssoSessions = sessions
    }

    /// The profile's values (config and credentials files merged), or nil if neither file has it.
    func profile(_ name: String) -> [String: String]? {
        switch (configProfiles[name], credentialsProfiles[name]) {
        case (nil, nil): return nil
        case (let config, let credentials): return (config ?? [:]).merging(credentials ?? [:]) { $1 }
        }
    }

    /// The profile's values in the config file alone.
    func configFileProfile(_ name: String) -> [String: String]? { configProfiles[name] }

    /// The profile's values in the credentials file alone.
    func credentialsFileProfile(_ name: String) -> [String: String]? { credentialsProfiles[name] }

    /// An `[sso-session NAME]` section of the config file.
    func ssoSession(_ name: String) -> [String: String]? { ssoSessions[name] }

    /// The sections of an INI file, in order, with their `key = value` pairs (keys lowercased).
    /// Indented lines continue a nested section (`s3 =` then `  addressing_style = path`) and
    /// are skipped, as botocore keeps them apart. A missing file has no sections.
    static func sections(of path: String) -> [(String, [String: String])] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        var sections: [(String, [String: String])] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let nested = rawLine.first == " " || rawLine.first == "\t"
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                sections.append((line.dropFirst().dropLast().trimmingWhitespace(), [:]))
                continue
            }
            guard !nested, !sections.isEmpty, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingWhitespace().lowercased()
            sections[sections.count - 1].1[key] = line[line.index(after: equals)...].trimmingWhitespace()
        }
        return sections
    }
}
