/// Text made safe for report.html whatever the app sent. Every character that means something in
/// markup is escaped (quotes too, so the same output is safe in an attribute). Characters that
/// would vanish or mislead are made visible instead of dropped, because they are evidence: a
/// NUL, a bell or a Unicode direction override in an answer is worth seeing, and an override
/// left live could reorder the text around it. ANSI colour sequences are dropped: they are
/// formatting, not content. The output is also well-formed XML (only XML's own entities).
public enum HTMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            i += 1
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // A CR would be folded into the line break anyway; alone it would only confuse.
            case "\r": continue
            case "\u{1B}" where i < scalars.count && scalars[i] == "[":
                // ESC [ params final-byte: skip the whole sequence.
                i += 1
                while i < scalars.count, !(0x40...0x7E).contains(scalars[i].value) { i += 1 }
                i += 1
            default:
                if visible(c) { out.unicodeScalars.append(c) } else { out += placeholder(c) }
            }
        }
        return out
    }

    /// False for controls (but tab and line feed), C1 controls, noncharacters and the bidi
    /// controls that can make a report read differently from what it holds.
    static func visible(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x9, 0xA: return true
        case 0x0...0x1F, 0x7F...0x9F: return false
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return false
        case 0xFDD0...0xFDEF: return false
        default: return c.value & 0xFFFE != 0xFFFE
        }
    }

    /// `\u001b`-style, the JSON spelling a reader of results.json already knows.
    static func placeholder(_ c: Unicode.Scalar) -> String {
        let hex = String(c.value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
