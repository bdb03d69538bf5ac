import Glibc

/// A UTC instant with one-second resolution, as CloudTrail digests and keys use.
///
/// Formatting and parsing are done here, without locales or `DateFormatter`, so that output
/// is byte-for-byte stable.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int64

    /// Makes a timestamp from seconds since the Unix epoch.
    public init(secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    /// Makes a timestamp from calendar fields in UTC (no range checks beyond the calendar's).
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        secondsSinceEpoch = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// The current time, truncated to the second.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(secondsSinceEpoch: Int64(spec.tv_sec))
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }

    /// This instant moved by `seconds`.
    public func adding(seconds: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: secondsSinceEpoch + seconds) }

    /// The start of the hour containing this instant.
    public var hourFloor: Timestamp { Timestamp(secondsSinceEpoch: secondsSinceEpoch - mod(secondsSinceEpoch, 3600)) }

    /// The start of the UTC day containing this instant.
    public var dayFloor: Timestamp { Timestamp(secondsSinceEpoch: secondsSinceEpoch - mod(secondsSinceEpoch, 86_400)) }

    /// Calendar fields in UTC.
    public var components: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let days = Int(floorDivide(secondsSinceEpoch, 86_400))
        let secondOfDay = Int(mod(secondsSinceEpoch, 86_400))
        let (year, month, day) = Self.civilFromDays(days)
        return (year, month, day, secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, the form of digest fields and of aws-cli's output.
    public var iso8601: String { formatted("Y-M-DTh:m:sZ") }

    /// `YYYYMMDDTHHMMSSZ`, the form in digest object keys.
    public var compactSeconds: String { formatted("YMDThmsZ") }

    /// `YYYYMMDDTHHMMZ`, the form in log file object keys.
    public var compactMinutes: String { formatted("YMDThmZ") }

    /// `YYYY/MM/DD`, the date folders of object keys.
    public var datePath: String { formatted("Y/M/D") }

    /// The time written in `layout`: `Y` the year in four digits, `M` `D` `h` `m` `s` the other
    /// fields in two, anything else as it is. One string is made (these run several times per
    /// digest and per report line).
    private func formatted(_ layout: StaticString) -> String {
        let c = components
        guard (0...9999).contains(c.year) else {
            // Outside four-digit years: the year's own digits.
            var text = ""
            layout.withUTF8Buffer { layout in
                for byte in layout {
                    switch byte {
                    case UInt8(ascii: "Y"): text += pad(c.year, 4)
                    case UInt8(ascii: "M"): text += pad(c.month)
                    case UInt8(ascii: "D"): text += pad(c.day)
                    case UInt8(ascii: "h"): text += pad(c.hour)
                    case UInt8(ascii: "m"): text += pad(c.minute)
                    case UInt8(ascii: "s"): text += pad(c.second)
                    default: text.unicodeScalars.append(Unicode.Scalar(byte))
                    }
                }
            }
            return text
        }
        return layout.withUTF8Buffer { layout in
            String(unsafeUninitializedCapacity: 24) { output in
                var count = 0
                func put(_ value: Int, _ width: Int) {
                    var value = value
                    for index in stride(from: count + width - 1, through: count, by: -1) {
                        output[index] = UInt8(ascii: "0") + UInt8(value % 10)
                        value /= 10
                    }
                    count += width
                }
                for byte in layout {
                    switch byte {
                    case UInt8(ascii: "Y"): put(c.year, 4)
                    case UInt8(ascii: "M"): put(c.month, 2)
                    case UInt8(ascii: "D"): put(c.day, 2)
                    case UInt8(ascii: "h"): put(c.hour, 2)
                    case UInt8(ascii: "m"): put(c.minute, 2)
                    case UInt8(ascii: "s"): put(c.second, 2)
                    default:
                        output[count] = byte
                        count += 1
                    }
                }
                return count
            }
        }
    }

    public var description: String { iso8601 }

    /// Parses ISO 8601 as people type it on a command line or as AWS writes it:
    /// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`, `YYYY-MM-DDTHH:MM:SS`, optional fraction (dropped),
    /// optional `Z` or `±HH:MM` offset (converted to UTC; no offset means UTC). A space may
    /// stand for `T`.
    public init?(iso8601 text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Self(iso8601UTF8: $0) }) else { return nil }
        self = parsed
    }

    /// ``init(iso8601:)`` on UTF-8 bytes: a digest's entries carry two times each, and parsing
    /// them must not allocate.
    init?(iso8601UTF8 bytes: UnsafeBufferPointer<UInt8>) {
        var scanner = DigitScanner(bytes)
        guard let year = scanner.number(digits: 4), scanner.take("-"),
            let month = scanner.number(digits: 2), scanner.take("-"),
            let day = scanner.number(digits: 2)
        else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var offset = 0
        if !scanner.atEnd {
            guard scanner.take("T") || scanner.take("t") || scanner.take(" "),
                let parsedHour = scanner.number(digits: 2), scanner.take(":"),
                let parsedMinute = scanner.number(digits: 2)
            else { return nil }
            hour = parsedHour
            minute = parsedMinute
            if scanner.take(":") {
                guard let parsedSecond = scanner.number(digits: 2) else { return nil }
                second = parsedSecond
                if scanner.take(".") {
                    guard scanner.skipDigits() > 0 else { return nil }
                }
            }
            if scanner.take("Z") || scanner.take("z") {
            } else if let sign = scanner.takeSign() {
                guard let offsetHours = scanner.number(digits: 2) else { return nil }
                _ = scanner.take(":")
                guard let offsetMinutes = scanner.number(digits: 2), offsetHours < 24, offsetMinutes < 60 else {
                    return nil
                }
                offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
            }
        }
        guard scanner.atEnd, (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 60
        else { return nil }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        secondsSinceEpoch -= Int64(offset)
    }

    /// Parses the exact `YYYY-MM-DDTHH:MM:SSZ` form that digest files use, nothing looser.
    public init?(strictDigestForm text: String) {
        guard text.utf8.count == 20, text.utf8.last == UInt8(ascii: "Z") else { return nil }
        self.init(iso8601: text)
    }

    /// Parses `YYYYMMDDTHHMMSSZ` (digest keys) or `YYYYMMDDTHHMMZ` (log keys).
    public init?(compact text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Self(compactUTF8: $0) }) else { return nil }
        self = parsed
    }

    /// ``init(compact:)`` on UTF-8 bytes, for parsing keys without making strings.
    init?(compactUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        // YYYYMMDDTHHMMZ or YYYYMMDDTHHMMSSZ
        guard bytes.count == 14 || bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[bytes.count - 1] == UInt8(ascii: "Z"),
            let year = number(0, 4), let month = number(4, 2), let day = number(6, 2),
            let hour = number(9, 2), let minute = number(11, 2), let second = bytes.count == 16 ? number(13, 2) : 0
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year), hour < 24, minute < 60, second < 60
        else { return nil }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

private func pad(_ value: Int, _ width: Int = 2) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

private func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
}

private func mod(_ value: Int64, _ divisor: Int64) -> Int64 {
    value - floorDivide(value, divisor) * divisor
}

private struct DigitScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }
    var atEnd: Bool { position == bytes.count }

    mutating func number(digits: Int) -> Int? {
        guard position + digits <= bytes.count else { return nil }
        var value = 0
        for offset in 0..<digits {
            let byte = bytes[position + offset]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        position += digits
        return value
    }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    mutating func takeSign() -> Int? {
        if take("+") { return 1 }
        if take("-") { return -1 }
        return nil
    }

    mutating func skipDigits() -> Int {
        let start = position
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            position += 1
        }
        return position - start
    }
}
