/// Text made safe for XML 1.0 whatever the app sent: characters XML forbids (C0 controls but
/// tab/LF/CR, U+FFFE/U+FFFF, lone surrogates) and ANSI escapes are dropped, markup is escaped.
/// One forbidden character makes Jenkins reject the whole file.
public enum XMLText {
    public static func clean(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var scalars = s.unicodeScalars.makeIterator()
        while let c = scalars.next() {
            if c == "\u{1B}" {
                // Skip an ANSI escape sequence: ESC [ params final-byte.
                var inCSI = false
                while let n = scalars.next() {
                    if !inCSI { if n == "[" { inCSI = true; continue } else { break } }
                    if (0x40...0x7E).contains(n.value) { break }
                }
                continue
            }
            if allowed(c) { out.append(c) }
        }
        return String(out)
    }

    static func allowed(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    public static func escape(_ s: String, attribute: Bool = false) -> String {
        var out = ""
        for c in clean(s).unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#10;"
            case "\r": out += "&#13;"
            case "\t" where attribute: out += "&#9;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A one-line attribute value of bounded length (failure messages).
    public static func oneLine(_ s: String, limit: Int = 300) -> String {
        let flat = s.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count <= limit ? flat : String(flat.prefix(limit - 1)) + "…"
    }
}
