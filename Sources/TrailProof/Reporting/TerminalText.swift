/// Makes text from the bucket safe to print on a line of a report or a terminal.
///
/// Keys and messages can hold bytes an attacker chose. Printed raw, a newline or a tab in a key
/// would forge report lines of its own (`Log file<TAB>…<TAB>valid`), and escape sequences or
/// bidirectional overrides would rewrite what a terminal shows. Each control character
/// (C0, DEL, C1), each Unicode format character that reorders or hides text, and the backslash
/// itself are written as escapes, so the printed text maps back to exactly one original:
///
///     TerminalText.escape("a\nb\\c\u{202E}")   // a\x0ab\\c\u{202e}
public enum TerminalText {
    /// `text` with control and format characters written as `\xHH` (below U+0080) or
    /// `\u{H…}`, and `\` as `\\`. Printable text, including non-ASCII letters, is unchanged.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                result += "\\\\"
            } else if needsEscape(scalar) {
                let hex = String(scalar.value, radix: 16)
                result += scalar.value < 0x80 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{\(hex)}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x5C: return true
        // Zero-width and directional marks, bidirectional embeddings, overrides and isolates,
        // invisible operators, the BOM, and interlinear annotation characters.
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2069, 0xFEFF, 0xFFF9...0xFFFB: return true
        default: return false
        }
    }
}
